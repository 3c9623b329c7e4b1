import { Trans, useTranslation } from 'react-i18next';
import { ImageInspector, MissingInspector } from '../forest/ImageInspector';
import { Term } from '../i18n/Term';
import { DomainInspector, SnapshotInspector } from '../libvirt/LibvirtInspector';
import { ToolsPanel } from '../tools/ToolsPanel';
import { useSelection } from './selection';

export function Inspector() {
  const { t } = useTranslation('shell');
  const selection = useSelection((state) => state.selection);
  return (
    <aside className="inspector" aria-label={t('inspector.label')}>
      {selection?.kind === 'host' ? (
        <ToolsPanel />
      ) : selection?.kind === 'image' ? (
        <ImageInspector path={selection.path} />
      ) : selection?.kind === 'missing' ? (
        <MissingInspector path={selection.path} />
      ) : selection?.kind === 'domain' ? (
        <DomainInspector uuid={selection.uuid} />
      ) : selection?.kind === 'snapshot' ? (
        <SnapshotInspector uuid={selection.uuid} name={selection.name} />
      ) : (
        <p className="empty">
          <Trans t={t} i18nKey="inspector.empty" components={{ internal: <Term name="internal" /> }} />
        </p>
      )}
    </aside>
  );
}
