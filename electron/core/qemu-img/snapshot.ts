import type { Host } from '../host/host.js';
import { imageOpts } from './image-opts.js';

/** `qemu-img snapshot -c NAME --image-opts …`: an internal snapshot of an image no QEMU holds. */
export async function createInternalSnapshot(host: Host, qemuImg: string, path: string, name: string): Promise<void> {
  await host.run({ argv: [qemuImg, 'snapshot', '-q', '-c', name, '--image-opts', imageOpts(path, 'qcow2')] });
}
