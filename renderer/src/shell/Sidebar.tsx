import { useTranslation } from 'react-i18next';
import { WatchedFolders } from '../folders/WatchedFolders';
import { Connections } from '../libvirt/Connections';
import { useTools } from '../tools/store';
import { LanguageSwitch } from './LanguageSwitch';
import { useSelection } from './selection';

export function Sidebar() {
  const { t } = useTranslation('shell');
  const { selection, select } = useSelection();
  const report = useTools((state) => state.report);
  const daemonUp = report?.daemon.reachable ?? false;
  return (
    <nav className="sidebar" aria-label={t('sidebar.label')}>
      <div className="sidebar-head">
        <div className="brand">Snaptree</div>
        <LanguageSwitch />
      </div>
      <h3>{t('sidebar.hosts')}</h3>
      <button
        type="button"
        className={`side-item ${selection?.kind === 'host' ? 'selected' : ''}`}
        onClick={() => select({ kind: 'host' })}
      >
        <span className={`dot ${report === null ? '' : daemonUp ? 'up' : 'down'}`} aria-hidden />
        {t('sidebar.thisComputer')}
        <span className="side-note">{report ? (daemonUp ? report.daemon.uri : t('sidebar.libvirtNotAnswering')) : t('sidebar.checking')}</span>
      </button>
      <h3>{t('sidebar.domains')}</h3>
      <Connections />
      <h3>{t('sidebar.watchedFolders')}</h3>
      <WatchedFolders />
    </nav>
  );
}
