import { WatchedFolders } from '../folders/WatchedFolders';
import { Connections } from '../libvirt/Connections';
import { useTools } from '../tools/store';
import { useSelection } from './selection';

export function Sidebar() {
  const { selection, select } = useSelection();
  const report = useTools((state) => state.report);
  const daemonUp = report?.daemon.reachable ?? false;
  return (
    <nav className="sidebar" aria-label="Hosts, domains and folders">
      <div className="brand">Snaptree</div>
      <h3>Hosts</h3>
      <button
        type="button"
        className={`side-item ${selection?.kind === 'host' ? 'selected' : ''}`}
        onClick={() => select({ kind: 'host' })}
      >
        <span className={`dot ${report === null ? '' : daemonUp ? 'up' : 'down'}`} aria-hidden />
        This computer
        <span className="side-note">{report ? (daemonUp ? report.daemon.uri : 'libvirt not answering') : 'checking…'}</span>
      </button>
      <h3>Domains</h3>
      <Connections />
      <h3>Watched folders</h3>
      <WatchedFolders />
    </nav>
  );
}
