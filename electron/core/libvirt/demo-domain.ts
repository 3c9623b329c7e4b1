/**
 * The demo workspace's own libvirt domain, so the snapshot gestures can be tried without
 * touching the user's guests: a TCG guest with no OS (64 MiB, SeaBIOS's "No bootable
 * device" on a VNC display at 127.0.0.1), its one disk a new overlay in the demo folder,
 * left running with an internal and an external disk-only snapshot, each with its
 * screenshot. Made only where a libvirt daemon answers at the default URI; where none
 * does, the demo is its images alone and nothing is wrong.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { screenshotPath } from '../../../shared/plans/screenshot.js';
import { virshArgv, type VirshTarget } from '../../../shared/virsh/connection.js';
import { defineArgv } from '../../../shared/virsh/define.js';
import { screenshotArgv } from '../../../shared/virsh/screenshot.js';
import { snapshotCreateAsArgv } from '../../../shared/virsh/snapshot-create-as.js';
import { HostCommandError, type Host } from '../host/host.js';
import { createOverlay } from '../qemu-img/create.js';

export const DEMO_DOMAIN_NAME = 'snaptree-demo-guest';
/** More demos than anyone makes; past them the demo has no domain rather than touch one. */
const MAX_SUFFIX = 100;

export interface DemoDomainOptions {
  /** The image the domain's disk is an overlay on, in `dir`, and its format. */
  readonly base: { readonly name: string; readonly format: string };
  /** Where the snapshots' screenshots go (Snaptree's data folder); none without it. */
  readonly dataDir?: string;
  /** The first name tried (then `-2`, `-3` …); tests give their own. */
  readonly name?: string;
}

export interface DemoDomain {
  readonly uri: string;
  readonly name: string;
  readonly uuid: string;
}

const xmlText = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll("'", '&apos;').replaceAll('"', '&quot;');

/** Its own UUID, fresh: a define under a name that is taken then fails instead of changing that domain. */
function domainXml(name: string, uuid: string, disk: string): string {
  return `<domain type='qemu'>
  <name>${xmlText(name)}</name>
  <uuid>${uuid}</uuid>
  <title>Snaptree demo</title>
  <description>Made with Snaptree's demo workspace to try snapshots on; no operating system. Safe to delete.</description>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${xmlText(disk)}'/><target dev='vda' bus='virtio'/></disk>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
`;
}

/** The domains' names, or null where no daemon answers (none running, or a URI that reaches nothing). */
async function domainNames(host: Host, target: VirshTarget): Promise<Set<string> | null> {
  try {
    const { stdout } = await host.run({ argv: virshArgv(target, 'list', ['--all', '--name']), timeoutMs: 15_000 });
    return new Set(stdout.split('\n').filter((line) => line.length > 0));
  } catch {
    return null;
  }
}

/** Defines the domain under the first free name; a name taken meanwhile (by another define) moves on to the next. */
async function defineUnderFreeName(host: Host, target: VirshTarget, first: string, taken: ReadonlySet<string>, disk: string): Promise<DemoDomain> {
  const folder = await mkdtemp(join(tmpdir(), 'snaptree-demo-'));
  try {
    for (let suffix = 1; suffix <= MAX_SUFFIX; suffix++) {
      const name = suffix === 1 ? first : `${first}-${suffix}`;
      if (taken.has(name)) continue;
      const uuid = randomUUID();
      const file = join(folder, `${suffix}.xml`);
      await writeFile(file, domainXml(name, uuid, disk));
      try {
        await host.run({ argv: defineArgv(target, file) });
        return { uri: target.uri, name, uuid };
      } catch (error) {
        if (!(error instanceof HostCommandError && /already exists/.test(error.stderr))) throw error;
      }
    }
    throw new Error(`every name from ${first} to ${first}-${MAX_SUFFIX} is taken`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** A snapshot's screenshot where the planner's snapshots keep theirs; the snapshot stands without one. */
async function screenshot(host: Host, target: VirshTarget, domain: DemoDomain, snapshot: string, dataDir: string): Promise<void> {
  const path = screenshotPath(dataDir, domain.uuid, snapshot);
  try {
    await mkdir(dirname(path), { recursive: true });
    await host.run({ argv: screenshotArgv(target, domain.uuid, path) });
  } catch {
    // No picture is no fault: the node shows none.
  }
}

/**
 * Defines, starts and snapshots the demo domain on an overlay of `options.base` in
 * `dir`; null where no libvirt daemon answers (then nothing was made). A failure after
 * the define leaves the domain as far as it got, for the user to see and keep or delete.
 */
export async function createDemoDomain(host: Host, qemuImg: string, dir: string, options: DemoDomainOptions): Promise<DemoDomain | null> {
  const virsh = await host.findProgram('virsh');
  const uri = await host.defaultLibvirtUri();
  // libvirt's test driver (test:///default) lives inside each virsh process: a domain
  // defined there is gone when that virsh ends.
  if (virsh === null || uri.startsWith('test:')) return null;
  const target: VirshTarget = { virsh, uri };
  const taken = await domainNames(host, target);
  if (taken === null) return null;

  const disk = join(dir, 'Demo-guest.qcow2');
  await createOverlay(host, qemuImg, disk, options.base.name, options.base.format);
  const domain = await defineUnderFreeName(host, target, options.name ?? DEMO_DOMAIN_NAME, taken, disk);
  await host.run({ argv: virshArgv(target, 'start', ['--domain', domain.uuid]) });

  const snapshots = [
    // savevm: the disk and the guest's memory, inside the overlay.
    { name: 'first boot', kind: { kind: 'internal' } as const, description: 'internal: disk and memory inside Demo-guest.qcow2' },
    // A new overlay the guest writes to from now on; Demo-guest.qcow2 keeps the state.
    { name: 'before update', kind: { kind: 'external', disks: [{ target: 'vda', file: join(dir, 'Demo-guest.before-update.qcow2') }] } as const, description: 'external, disk only' },
  ];
  for (const snapshot of snapshots) {
    await host.run({ argv: snapshotCreateAsArgv(target, domain.uuid, snapshot.name, snapshot.kind, { description: snapshot.description }) });
    if (options.dataDir !== undefined) await screenshot(host, target, domain, snapshot.name, options.dataDir);
  }
  return domain;
}
