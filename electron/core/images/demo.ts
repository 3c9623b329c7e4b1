import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../../shared/format.js';
import { say, type Said } from '../../../shared/messages/problems.js';
import type { Host } from '../host/host.js';
import { createDemoDomain, type DemoDomain } from '../libvirt/demo-domain.js';
import { defaultDataDir } from '../plans.js';
import { createImage, createOverlay } from '../qemu-img/create.js';
import { createInternalSnapshot } from '../qemu-img/snapshot.js';

/**
 * The demo workspace, shaped like the tutorials' pictures. Each entry is an overlay
 * on the one before it in its chain; all images are small and sparse.
 */
const OVERLAYS: ReadonlyArray<readonly [overlay: string, backing: string, backingFormat: 'raw' | 'qcow2']> = [
  ['Fedora-guest-1.qcow2', 'FedoraBase.img', 'raw'],
  ['Fedora-guest-with-updates-1.qcow2', 'Fedora-guest-1.qcow2', 'qcow2'],
  ['Fedora-guest-2.qcow2', 'FedoraBase.img', 'raw'],
  ['Overlay-1.qcow2', 'RootBase.qcow2', 'qcow2'],
  ['Overlay-1A.qcow2', 'Overlay-1.qcow2', 'qcow2'],
  ['Overlay-1B.qcow2', 'Overlay-1A.qcow2', 'qcow2'],
  ['Overlay-1C.qcow2', 'Overlay-1B.qcow2', 'qcow2'],
  ['Overlay-2.qcow2', 'RootBase.qcow2', 'qcow2'],
  ['Overlay-2A.qcow2', 'Overlay-2.qcow2', 'qcow2'],
  ['Overlay-3.qcow2', 'RootBase.qcow2', 'qcow2'],
  ['Overlay-3A.qcow2', 'Overlay-3.qcow2', 'qcow2'],
];

export class DemoFolderNotEmptyError extends Error {}

export interface DemoWorkspace {
  /** Its libvirt domain; null where no libvirt daemon answers at the default URI. */
  readonly domain: DemoDomain | null;
  /** Why the domain could not be made, where a daemon answered; the images are there all the same. */
  readonly problem: Said | null;
}

/**
 * Creates the demo workspace in `dir` with qemu-img, and its domain with virsh where a
 * libvirt daemon answers. Refuses a folder that holds anything.
 */
export async function createDemoWorkspace(host: Host, qemuImg: string, dir: string, options: { readonly dataDir?: string } = {}): Promise<DemoWorkspace> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) {
    throw new DemoFolderNotEmptyError(`${dir} is not empty: the demo goes into a new or empty folder, so that nothing of yours is touched.`);
  }
  const at = (name: string): string => join(dir, name);
  await createImage(host, qemuImg, at('FedoraBase.img'), 'raw', '1G');
  await createImage(host, qemuImg, at('RootBase.qcow2'), 'qcow2', '1G');
  for (const [overlay, backing, format] of OVERLAYS) {
    // Relative names, as the tutorials write them: the workspace can be moved whole.
    await createOverlay(host, qemuImg, at(overlay), backing, format);
  }
  const snapshots = at('Snapshots-inside.qcow2');
  await createImage(host, qemuImg, snapshots, 'qcow2', '1G');
  for (const name of ['fresh install', 'before upgrade', 'after upgrade']) {
    await createInternalSnapshot(host, qemuImg, snapshots, name);
  }
  try {
    const domain = await createDemoDomain(host, qemuImg, dir, { base: { name: 'RootBase.qcow2', format: 'qcow2' }, dataDir: options.dataDir ?? defaultDataDir() });
    return { domain, problem: null };
  } catch (error) {
    return { domain: null, problem: say('libvirt.demoDomain.failed', { uri: await host.defaultLibvirtUri(), detail: errorMessage(error) }) };
  }
}
