import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolsReport } from '../../../shared/tools/report.js';
import type { HostCommand, HostResult } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { checkTools, sharedToolsCheck } from './check.js';

const run = (argv: string[]): string => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
const savedUri = process.env.LIBVIRT_DEFAULT_URI;
afterEach(() => {
  if (savedUri === undefined) delete process.env.LIBVIRT_DEFAULT_URI;
  else process.env.LIBVIRT_DEFAULT_URI = savedUri;
});

describe('the tools check on this machine', () => {
  it('reports the version qemu-img itself prints', async () => {
    const report = await checkTools(new LocalHost());
    expect(report.qemuImg.error).toBeNull();
    expect(run(['qemu-img', '--version'])).toContain(`qemu-img version ${report.qemuImg.version} `);
  });

  it('reports the virsh version and a live libvirt daemon with its versions', async () => {
    const report = await checkTools(new LocalHost());
    expect(report.virsh.version).toBe(run(['virsh', '--version']).trim());
    expect(report.daemon.reachable).toBe(true);
    const daemonReport = run(['virsh', '-c', report.daemon.uri, 'version', '--daemon']);
    expect(daemonReport).toContain(`Running against daemon: ${report.daemon.libvirtVersion}`);
    expect(daemonReport).toContain(`Running hypervisor: ${report.daemon.hypervisor} ${report.daemon.hypervisorVersion}`);
    expect(report.daemon.externalSnapshotRevert).toBe(/<externalSnapshot\s*\/>/.test(run(['virsh', '-c', report.daemon.uri, 'capabilities'])));
  });

  it("shows libvirt's own error text when the daemon does not answer", async () => {
    process.env.LIBVIRT_DEFAULT_URI = 'qemu:///system?socket=/nonexistent/snaptree-test.sock';
    const report = await checkTools(new LocalHost());
    expect(report.daemon.reachable).toBe(false);
    expect(report.daemon.uri).toBe(process.env.LIBVIRT_DEFAULT_URI);
    expect(report.daemon.error).toContain("Failed to connect socket to '/nonexistent/snaptree-test.sock'");
    expect(report.daemon.package).toBe('libvirt-daemon-system');
  });
});

/** The local host, counting the processes it starts and the most that ran at once. */
class CountingHost extends LocalHost {
  started = 0;
  peak = 0;
  private running = 0;

  override async run(command: HostCommand): Promise<HostResult> {
    this.started++;
    this.peak = Math.max(this.peak, ++this.running);
    try {
      return await super.run(command);
    } finally {
      this.running--;
    }
  }
}

describe('checks asked for at the same moment', () => {
  it('share one run: 300 requests start the processes of one check, and each gets its report', async () => {
    const alone = new CountingHost();
    const expected = await checkTools(alone);

    const host = new CountingHost();
    const reports: ToolsReport[] = [];
    const check = sharedToolsCheck(host, (report) => reports.push(report));
    const answers = await Promise.all(Array.from({ length: 300 }, () => check()));
    expect(host.started).toBe(alone.started);
    expect(host.peak).toBeLessThanOrEqual(2);
    expect(reports).toHaveLength(1);
    expect(new Set(answers)).toEqual(new Set(reports));
    expect({ ...answers[0], checkedAt: '' }).toEqual({ ...expected, checkedAt: '' });

    // Once it has settled, the next check runs afresh.
    const later = await check();
    expect(later).not.toBe(answers[0]);
    expect(host.started).toBe(2 * alone.started);
  });
});
