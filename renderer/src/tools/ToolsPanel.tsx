import { useEffect } from 'react';
import type { DaemonStatus, ToolStatus } from '../../../shared/tools/report';
import { useTools } from './store';

function ToolRow({ tool, explains }: { tool: ToolStatus; explains: string }) {
  const ok = tool.error === null;
  return (
    <div className={`tool-row ${ok ? 'ok' : 'bad'}`} data-testid={`tool-${tool.name}`}>
      <div className="tool-head">
        <span className="tool-mark" aria-hidden>{ok ? '✓' : '✗'}</span>
        <span className="tool-name">{tool.name}</span>
        <span className="tool-version">{tool.version ?? 'missing'}</span>
      </div>
      <div className="tool-explain">{explains}</div>
      {tool.path && <div className="tool-path">{tool.path}</div>}
      {!ok && (
        <div className="tool-error">
          {tool.error}
          <div className="tool-fix">
            Install it: <code>sudo apt install {tool.package}</code>
          </div>
        </div>
      )}
    </div>
  );
}

function DaemonRow({ daemon }: { daemon: DaemonStatus }) {
  return (
    <div className={`tool-row ${daemon.reachable ? 'ok' : 'bad'}`} data-testid="tool-libvirtd">
      <div className="tool-head">
        <span className="tool-mark" aria-hidden>{daemon.reachable ? '✓' : '✗'}</span>
        <span className="tool-name">libvirt daemon</span>
        <span className="tool-version">{daemon.reachable ? `libvirt ${daemon.libvirtVersion}` : 'no answer'}</span>
      </div>
      <div className="tool-explain">Runs the virtual machines (domains) and keeps their snapshot records.</div>
      <div className="tool-path">{daemon.uri}</div>
      {daemon.reachable ? (
        <dl className="tool-facts">
          <dt>Hypervisor</dt>
          <dd>
            {daemon.hypervisor} {daemon.hypervisorVersion}
          </dd>
          <dt>External revert</dt>
          <dd data-testid="external-revert">
            {daemon.externalSnapshotRevert
              ? 'libvirt reverts external snapshots itself'
              : 'not in this libvirt (needs 9.9): virsh snapshot-revert refuses external snapshots here'}
          </dd>
        </dl>
      ) : (
        <div className="tool-error">
          {daemon.error}
          <div className="tool-fix">
            Domains need a running daemon: <code>sudo apt install {daemon.package}</code>, then start libvirtd.
          </div>
        </div>
      )}
    </div>
  );
}

/** What Snaptree found on this computer: the tools it drives and the libvirt daemon. */
export function ToolsPanel() {
  const { report, checking, error, check } = useTools();
  useEffect(() => {
    if (report === null) void check();
  }, [report, check]);

  return (
    <section className="tools-panel" aria-label="Tools">
      <header className="panel-head">
        <h2>Tools on {report?.host ?? 'this computer'}</h2>
        <button type="button" onClick={() => void check()} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
      </header>
      {error && <div className="tool-error">The check could not run: {error}</div>}
      {report === null && !error && <p className="empty">Looking for qemu-img, virsh and libvirtd…</p>}
      {report && (
        <>
          <ToolRow tool={report.qemuImg} explains="Reads, creates, commits and rebases disk images." />
          <ToolRow tool={report.virsh} explains="Talks to libvirt: domains, snapshots, block jobs." />
          <DaemonRow daemon={report.daemon} />
          <p className="checked-at">Checked {new Date(report.checkedAt).toLocaleTimeString()}</p>
        </>
      )}
    </section>
  );
}
