import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo } from 'react';
import type { Forest as ForestModel } from '../../../shared/images/model';
import { displayPath } from '../../../shared/images/path-bytes';
import { folderWithChains } from '../../../shared/images/tree';
import { ForestGraph } from '../forest/ForestGraph';
import { useForest } from '../forest/store';
import { useFolders } from '../folders/store';
import { SnapshotTree } from '../libvirt/SnapshotTree';
import { findDomain, useInventory } from '../libvirt/store';
import { useSelection } from './selection';

function EmptyForest() {
  const { createDemo, creatingDemo, error } = useFolders();
  return (
    <div className="empty-graph">
      <h1>Your disk forest will appear here</h1>
      <p>
        Every image in the folders you watch, drawn as a tree: a <b>backing file</b> (the read-only base) on the left,
        the <b>overlays</b> that record changes on top of it to its right, and branches where one base carries several
        overlays.
      </p>
      <p>Add a folder of disk images in the sidebar, or try it on a demo workspace of small, real images first.</p>
      <button type="button" className="primary" onClick={() => void createDemo()} disabled={creatingDemo}>
        {creatingDemo ? 'Creating the demo with qemu-img…' : 'Create a demo workspace'}
      </button>
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

function Toolbar({ folders }: { folders: string[] }) {
  const { search, setSearch, folderFilter, setFolderFilter, forest } = useForest();
  return (
    <div className="graph-toolbar">
      <input type="search" placeholder="Search images by name" aria-label="Search images" value={search} onChange={(event) => setSearch(event.target.value)} />
      <select aria-label="Folder" value={folderFilter ?? ''} onChange={(event) => setFolderFilter(event.target.value || null)}>
        <option value="">All watched folders</option>
        {folders.map((folder) => (
          <option key={folder} value={folder}>
            {folder}
          </option>
        ))}
      </select>
      <span className="graph-count">{forest ? `${forest.images.length} images` : 'scanning…'}</span>
    </div>
  );
}

function Forest() {
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
      {error && <div className="graph-error">The scan failed: {error}</div>}
      {forest?.errors.map((problem) => (
        <div key={problem.path} className="graph-error" data-testid="folder-error">
          {displayPath(problem.path)}: {displayPath(problem.message)}
        </div>
      ))}
      {forest && forest.skipped.length > 0 && <Skipped skipped={forest.skipped} />}
      {forest && forest.images.length === 0 && <div className="graph-note">No disk images in the watched folders yet.</div>}
      <div className="graph-canvas">{forest && <ForestGraph key={folderFilter ?? ''} images={images} />}</div>
    </>
  );
}

/** Entries in the watched folders that are not shown: a FIFO, a dangling or looping link … */
function Skipped({ skipped }: { skipped: ForestModel['skipped'] }) {
  return (
    <details className="graph-note skipped" data-testid="skipped">
      <summary>
        {skipped.length} {skipped.length === 1 ? 'entry' : 'entries'} in the watched folders not shown
      </summary>
      <ul>
        {skipped.map((entry) => (
          <li key={entry.path}>
            <code>{displayPath(entry.path)}</code>: {displayPath(entry.reason)}
          </li>
        ))}
      </ul>
    </details>
  );
}

function Snapshots({ uuid }: { uuid: string }) {
  const domain = findDomain(useInventory((state) => state.connections), uuid);
  if (!domain) return <div className="graph-note">This domain is no longer defined.</div>;
  return (
    <>
      <div className="graph-toolbar">
        <span>
          Snapshots of <b>{domain.name}</b> ({domain.state})
        </span>
        {domain.snapshots.length === 0 && <span className="graph-count">No snapshots yet: only the present state, NOW.</span>}
      </div>
      <div className="graph-canvas">
        <SnapshotTree domain={domain} />
      </div>
    </>
  );
}

/** The centre: the disk forest, or the snapshot tree of the selected domain; one selection for both. */
export function GraphArea() {
  const load = useForest((state) => state.load);
  const { view, show, domain } = useSelection();
  // The name alone: the tab need not redraw the centre on every inventory event.
  const domainName = useInventory((state) => findDomain(state.connections, domain ?? '')?.name);
  // Once: every change after it (a folder added, a rescan) arrives as forestChanged.
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="graph-area" aria-label="Graph">
      <div className="view-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={view === 'forest'} onClick={() => show('forest')}>
          Disk forest
        </button>
        <button type="button" role="tab" aria-selected={view === 'snapshots'} disabled={domain === null} onClick={() => show('snapshots')}>
          {domainName ? `Snapshots of ${domainName}` : 'Snapshots (select a domain)'}
        </button>
      </div>
      <ReactFlowProvider key={view}>{view === 'snapshots' && domain !== null ? <Snapshots uuid={domain} /> : <Forest />}</ReactFlowProvider>
    </main>
  );
}
