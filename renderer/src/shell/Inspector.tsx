import { ImageInspector, MissingInspector } from '../forest/ImageInspector';
import { DomainInspector, SnapshotInspector } from '../libvirt/LibvirtInspector';
import { ToolsPanel } from '../tools/ToolsPanel';
import { useSelection } from './selection';

export function Inspector() {
  const selection = useSelection((state) => state.selection);
  return (
    <aside className="inspector" aria-label="Inspector">
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
          Select an image, a snapshot or a host to see its details here: header fields, sizes, internal snapshots and
          problems.
        </p>
      )}
    </aside>
  );
}
