import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Forest as ForestModel } from '../../../shared/images/model';
import { displayPath } from '../../../shared/images/path-bytes';
import { folderWithChains } from '../../../shared/images/tree';
import { ForestGraph } from '../forest/ForestGraph';
import { sentenceOf } from '../i18n/sentence';
import { useForest } from '../forest/store';
import { useFolders } from '../folders/store';
import { Term } from '../i18n/Term';
import { SnapshotTree } from '../libvirt/SnapshotTree';
import { findDomain, useInventory } from '../libvirt/store';
import { domainState } from './domainState';
import { useSelection } from './selection';

function EmptyForest() {
  const { t } = useTranslation('shell');
  const { createDemo, creatingDemo, error } = useFolders();
  return (
    <div className="empty-graph">
      <h1>{t('graph.emptyTitle')}</h1>
      <p>
        <Trans t={t} i18nKey="graph.emptyExplain" components={{ backingFile: <Term name="backingFile" />, overlay: <Term name="overlay" /> }} />
      </p>
      <p>{t('graph.emptyHint')}</p>
      <button type="button" className="primary" onClick={() => void createDemo()} disabled={creatingDemo}>
        {creatingDemo ? t('demo.creating') : t('demo.create')}
      </button>
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

function Toolbar({ folders }: { folders: string[] }) {
  const { t } = useTranslation('shell');
  const { search, setSearch, folderFilter, setFolderFilter, forest } = useForest();
  return (
    <div className="graph-toolbar">
      <input type="search" placeholder={t('graph.searchPlaceholder')} aria-label={t('graph.search')} value={search} onChange={(event) => setSearch(event.target.value)} />
      <select aria-label={t('graph.folder')} value={folderFilter ?? ''} onChange={(event) => setFolderFilter(event.target.value || null)}>
        <option value="">{t('graph.allFolders')}</option>
        {folders.map((folder) => (
          <option key={folder} value={folder}>
            {folder}
          </option>
        ))}
      </select>
      <span className="graph-count">{forest ? t('graph.images', { count: forest.images.length }) : t('graph.scanning')}</span>
    </div>
  );
}

function Forest() {
  const { t } = useTranslation('shell');
  const folders = useFolders((state) => state.folders);
  const { forest, error, folderFilter } = useForest();
  const images = useMemo(() => {
    const all = forest?.images ?? [];
    return folderFilter === null ? all : folderWithChains(all, folderFilter);
  }, [forest, folderFilter]);

  if (folders === null) return null;
  if (folders.length === 0 && (forest?.images.length ?? 0) === 0) return <EmptyForest />;
  return (
    <>
      <Toolbar folders={folders} />
      {error && <div className="graph-error">{t('graph.scanFailed', { error })}</div>}
      {forest?.errors.map((problem) => (
        <div key={problem.path} className="graph-error" data-testid="folder-error">
          <Trans t={t} i18nKey="graph.pathAndReason" values={{ reason: sentenceOf(t, problem) }} components={{ path: <>{displayPath(problem.path)}</> }} />
        </div>
      ))}
      {forest && forest.skipped.length > 0 && <Skipped skipped={forest.skipped} />}
      {forest && forest.images.length === 0 && <div className="graph-note">{t('graph.noImages')}</div>}
      <div className="graph-canvas">{forest && <ForestGraph key={folderFilter ?? ''} images={images} />}</div>
    </>
  );
}

/** Entries in the watched folders that are not shown: a FIFO, a dangling or looping link … */
function Skipped({ skipped }: { skipped: ForestModel['skipped'] }) {
  const { t } = useTranslation('shell');
  return (
    <details className="graph-note skipped" data-testid="skipped">
      <summary>{t('graph.skipped', { count: skipped.length })}</summary>
      <ul>
        {skipped.map((entry) => (
          <li key={entry.path}>
            <Trans t={t} i18nKey="graph.pathAndReason" values={{ reason: sentenceOf(t, { ...entry, message: entry.reason }) }} components={{ path: <code>{displayPath(entry.path)}</code> }} />
          </li>
        ))}
      </ul>
    </details>
  );
}

function Snapshots({ uuid }: { uuid: string }) {
  const { t } = useTranslation('shell');
  const domain = findDomain(useInventory((state) => state.connections), uuid);
  if (!domain) return <div className="graph-note">{t('graph.domainGone')}</div>;
  return (
    <>
      <div className="graph-toolbar">
        <span>
          <Trans t={t} i18nKey="graph.snapshotsOf" values={{ name: domain.name, state: domainState(t, domain.state) }} components={{ b: <b /> }} />
        </span>
        {domain.snapshots.length === 0 && <span className="graph-count">{t('graph.noSnapshots')}</span>}
      </div>
      <div className="graph-canvas">
        <SnapshotTree domain={domain} />
      </div>
    </>
  );
}

/** The centre: the disk forest, or the snapshot tree of the selected domain; one selection for both. */
export function GraphArea() {
  const { t } = useTranslation('shell');
  const load = useForest((state) => state.load);
  const { view, show, domain } = useSelection();
  // The name alone: the tab need not redraw the centre on every inventory event.
  const domainName = useInventory((state) => findDomain(state.connections, domain ?? '')?.name);
  // Once: every change after it (a folder added, a rescan) arrives as forestChanged.
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="graph-area" aria-label={t('graph.label')}>
      <div className="view-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={view === 'forest'} onClick={() => show('forest')}>
          {t('graph.forestTab')}
        </button>
        <button type="button" role="tab" aria-selected={view === 'snapshots'} disabled={domain === null} onClick={() => show('snapshots')}>
          {domainName ? t('graph.snapshotsTab', { name: domainName }) : t('graph.snapshotsTabNone')}
        </button>
      </div>
      <ReactFlowProvider key={view}>{view === 'snapshots' && domain !== null ? <Snapshots uuid={domain} /> : <Forest />}</ReactFlowProvider>
    </main>
  );
}
