/**
 * Parsers for the version reports of qemu-img and virsh. Pure: text in, fields out.
 * Each is fed the real captured output in versions.test.ts.
 */
import type { Daemon } from '../libvirt/model.js';
import { say, type Said } from '../messages/problems.js';

/** `qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright …` → `7.2.22` */
export function parseQemuImgVersion(stdout: string): string | null {
  return /^qemu-img version (\S+)/m.exec(stdout)?.[1] ?? null;
}

/** `virsh --version` prints the bare version: `9.0.0\n`. */
export function parseVirshVersion(stdout: string): string | null {
  const version = stdout.trim();
  return /^\d+(\.\d+)*$/.test(version) ? version : null;
}

export interface DaemonVersionReport {
  readonly daemon: string | null;
  readonly hypervisor: string | null;
  readonly hypervisorVersion: string | null;
}

/**
 * `virsh -c URI version --daemon`:
 * ```
 * Compiled against library: libvirt 9.0.0
 * Using library: libvirt 9.0.0
 * Using API: QEMU 9.0.0
 * Running hypervisor: QEMU 7.2.22
 * Running against daemon: 9.0.0
 * ```
 */
export function parseDaemonVersion(stdout: string): DaemonVersionReport {
  const hypervisor = /^Running hypervisor: (.+?) (\S+)\s*$/m.exec(stdout);
  return {
    daemon: /^Running against daemon: (\S+)/m.exec(stdout)?.[1] ?? null,
    hypervisor: hypervisor?.[1] ?? null,
    hypervisorVersion: hypervisor?.[2] ?? null,
  };
}

/** A daemon that did not answer, with the reason: libvirt's words, or the core's said (null: not asked yet). */
export function silentDaemon(uri: string, error: string | Said | null): Daemon {
  const said = typeof error === 'object' && error !== null ? { error: error.message, errorSentence: error } : { error };
  return { uri, reachable: false, ...said, libvirtVersion: null, hypervisor: null, hypervisorVersion: null, externalSnapshotRevert: null };
}

/**
 * What `virsh -c URI 'version --daemon; capabilities'` says of the daemon. Batch mode
 * goes on after a failure, so the daemon's version line decides whether it answered;
 * `stderr` then says why not.
 */
export function daemonFacts(uri: string, versionText: string, capabilities: string, stderr: string): Daemon {
  const version = parseDaemonVersion(versionText);
  if (version.daemon === null) return silentDaemon(uri, virshErrorText(stderr) || say('tools.noAnswer', { uri }));
  return {
    uri,
    reachable: true,
    error: null,
    libvirtVersion: version.daemon,
    hypervisor: version.hypervisor,
    hypervisorVersion: version.hypervisorVersion,
    externalSnapshotRevert: canRevertExternalSnapshots(capabilities),
  };
}

/**
 * libvirt 9.9 and newer list `<externalSnapshot/>` among a guest's `<features>` in
 * `virsh capabilities` when they can revert external snapshots themselves.
 */
export function canRevertExternalSnapshots(capabilitiesXml: string): boolean {
  return /<externalSnapshot\s*\/>/.test(capabilitiesXml);
}

/** virsh prints `error: <summary>\nerror: <detail>`; a person wants the sentences only. */
export function virshErrorText(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^error: /, '').trim())
    .filter((line) => line.length > 0);
  return lines.join(': ');
}
