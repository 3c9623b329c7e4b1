import { snapshotArgv } from '../../../shared/qemu-img/snapshot.js';
import type { Host } from '../host/host.js';

/** `qemu-img snapshot -c NAME`: an internal snapshot of an image no QEMU holds. */
export async function createInternalSnapshot(host: Host, qemuImg: string, path: string, name: string): Promise<void> {
  await host.run({ argv: snapshotArgv(qemuImg, path, 'qcow2', { kind: 'create', name }, { quiet: true }) });
}
