import { useEffect } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { DaemonStatus, ToolStatus } from '../../../shared/tools/report';
import { sentenceOf } from '../i18n/sentence';
import { Term } from '../i18n/Term';
import { useTools } from './store';

/** The libvirt release that reverts external snapshots itself (it lists `<externalSnapshot/>`). */
const EXTERNAL_REVERT_SINCE = '9.9';

const installCommand = (pkg: string): string => `sudo apt install ${pkg}`;

function ToolRow({ tool, explains }: { tool: ToolStatus; explains: string }) {
  const { t } = useTranslation('tools');
  const ok = tool.error === null;
  return (
    <div className={`tool-row ${ok ? 'ok' : 'bad'}`} data-testid={`tool-${tool.name}`}>
      <div className="tool-head">
        <span className="tool-mark" aria-hidden>{ok ? '✓' : '✗'}</span>
        <span className="tool-name">{tool.name}</span>
        <span className="tool-version">{tool.version ?? t('missing')}</span>
      </div>
      <div className="tool-explain">{explains}</div>
      {tool.path && <div className="tool-path">{tool.path}</div>}
      {!ok && (
        <div className="tool-error">
          {tool.error !== null && sentenceOf(t, tool.errorSentence ?? { message: tool.error })}
          <div className="tool-fix">
            <Trans t={t} i18nKey="install" values={{ command: installCommand(tool.package) }} components={{ code: <code /> }} />
          </div>
        </div>
      )}
    </div>
  );
}

function DaemonRow({ daemon }: { daemon: DaemonStatus }) {
  const { t } = useTranslation('tools');
  return (
    <div className={`tool-row ${daemon.reachable ? 'ok' : 'bad'}`} data-testid="tool-libvirtd">
      <div className="tool-head">
        <span className="tool-mark" aria-hidden>{daemon.reachable ? '✓' : '✗'}</span>
        <span className="tool-name">{t('daemon.name')}</span>
        <span className="tool-version">{daemon.reachable ? `libvirt ${daemon.libvirtVersion}` : t('daemon.noAnswer')}</span>
      </div>
      <div className="tool-explain">{t('daemon.explain')}</div>
      <div className="tool-path">{daemon.uri}</div>
      {daemon.reachable ? (
        <dl className="tool-facts">
          <dt>{t('daemon.hypervisor')}</dt>
          <dd>
            {daemon.hypervisor} {daemon.hypervisorVersion}
          </dd>
          <dt>
            <Trans t={t} i18nKey="daemon.externalRevert" components={{ external: <Term name="external" /> }} />
          </dt>
          <dd data-testid="external-revert">
            {daemon.externalSnapshotRevert ? t('daemon.revertsExternal') : t('daemon.noExternalRevert', { version: EXTERNAL_REVERT_SINCE })}
          </dd>
        </dl>
      ) : (
        <div className="tool-error">
          {daemon.error !== null && sentenceOf(t, daemon.errorSentence ?? { message: daemon.error })}
          <div className="tool-fix">
            <Trans t={t} i18nKey="daemon.install" values={{ command: installCommand(daemon.package) }} components={{ code: <code /> }} />
          </div>
        </div>
      )}
    </div>
  );
}

/** What Snaptree found on this computer: the tools it drives and the libvirt daemon. */
export function ToolsPanel() {
  const { t } = useTranslation('tools');
  const { report, checking, error, check } = useTools();
  useEffect(() => {
    if (report === null) void check();
  }, [report, check]);

  return (
    <section className="tools-panel" aria-label={t('label')}>
      <header className="panel-head">
        <h2>{report ? t('title', { host: report.host }) : t('titleHere')}</h2>
        <button type="button" onClick={() => void check()} disabled={checking}>
          {checking ? t('checking') : t('checkAgain')}
        </button>
      </header>
      {error && <div className="tool-error">{t('checkFailed', { error })}</div>}
      {report === null && !error && <p className="empty">{t('looking')}</p>}
      {report && (
        <>
          <ToolRow tool={report.qemuImg} explains={t('qemuImg')} />
          <ToolRow tool={report.virsh} explains={t('virsh')} />
          <DaemonRow daemon={report.daemon} />
          <p className="checked-at">
            {t('checkedAt', { date: new Date(report.checkedAt), formatParams: { date: { hour: 'numeric', minute: '2-digit', second: '2-digit' } } })}
          </p>
        </>
      )}
    </section>
  );
}
