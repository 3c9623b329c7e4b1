import { errorMessage } from '../../../shared/format.js';
import { say, type Said } from '../../../shared/messages/problems.js';
import { daemonFacts, parseQemuImgVersion, parseVirshVersion, silentDaemon, virshErrorText } from '../../../shared/tools/versions.js';
import type { DaemonStatus, ToolStatus, ToolsReport } from '../../../shared/tools/report.js';
import { HostCommandError, type Host } from '../host/host.js';
import { runVirshBatch } from '../libvirt/batch.js';

/** A version query must answer quickly; a hung daemon must not hang the window. */
const QUERY_TIMEOUT_MS = 10_000;

const PACKAGES = {
  qemuImg: 'qemu-utils',
  virsh: 'libvirt-clients',
  daemon: 'libvirt-daemon-system',
} as const;

/** Finds qemu-img and virsh on the host and asks the libvirt daemon what it is. */
export async function checkTools(host: Host): Promise<ToolsReport> {
  const [qemuImg, virsh] = await Promise.all([
    checkTool(host, 'qemu-img', PACKAGES.qemuImg, parseQemuImgVersion),
    checkTool(host, 'virsh', PACKAGES.virsh, parseVirshVersion),
  ]);
  const daemon = await checkDaemon(host, virsh, await host.defaultLibvirtUri());
  return { host: host.name, checkedAt: new Date().toISOString(), qemuImg, virsh, daemon };
}

/**
 * The check as the window and the web page ask for it: a check asked for while one
 * runs shares that run's report instead of starting its own processes (300 requests
 * sent at once started 574). `onReport` hears each run once.
 */
export function sharedToolsCheck(host: Host, onReport: (report: ToolsReport) => void): () => Promise<ToolsReport> {
  let running: Promise<ToolsReport> | null = null;
  return () => {
    running ??= checkTools(host)
      .then((report) => {
        onReport(report);
        return report;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
}

async function checkTool(
  host: Host,
  name: string,
  pkg: string,
  parseVersion: (stdout: string) => string | null,
): Promise<ToolStatus> {
  const path = await host.findProgram(name);
  if (path === null) {
    return { name, path, version: null, package: pkg, ...saidError(say('tools.notInstalled', { name, package: pkg })) };
  }
  try {
    const { stdout } = await host.run({ argv: [path, '--version'], timeoutMs: QUERY_TIMEOUT_MS });
    const version = parseVersion(stdout);
    if (version === null) return { name, path, version, package: pkg, ...saidError(say('tools.unexpectedVersion', { name, output: stdout.trim().slice(0, 200) })) };
    return { name, path, version, package: pkg, error: null };
  } catch (error) {
    return { name, path, version: null, package: pkg, error: describe(error) };
  }
}

async function checkDaemon(host: Host, virsh: ToolStatus, uri: string): Promise<DaemonStatus> {
  const silent = (error: string | Said): DaemonStatus => ({ ...silentDaemon(uri, error), package: PACKAGES.daemon });
  if (virsh.path === null || virsh.version === null) return silent(say('tools.virshNeeded', { package: PACKAGES.virsh }));
  try {
    const { outputs, stderr } = await runVirshBatch(host, virsh.path, uri, [['version', '--daemon'], ['capabilities']], { timeoutMs: QUERY_TIMEOUT_MS });
    const [versionText = '', capabilities = ''] = outputs;
    return { ...daemonFacts(uri, versionText, capabilities, stderr), package: PACKAGES.daemon };
  } catch (error) {
    return silent(describe(error));
  }
}

/** A sentence of the core: its English as `error`, its key and values for the window. */
function saidError(said: Said): Pick<ToolStatus, 'error' | 'errorSentence'> {
  return { error: said.message, errorSentence: said };
}

/** libvirt's own words when virsh said something, else the runner's summary (the host's English, sent as it is). */
function describe(error: unknown): string {
  if (error instanceof HostCommandError) {
    return error.reason === 'exit-code' && error.stderr.trim() ? virshErrorText(error.stderr) : error.message;
  }
  return errorMessage(error);
}
