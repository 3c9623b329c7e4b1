import { createBaseArgv, createOverlayArgv } from '../../../shared/qemu-img/create.js';
import type { Host } from '../host/host.js';

/** A new, sparse image with no backing file (the argv: shared/qemu-img/create.ts). */
export async function createImage(host: Host, qemuImg: string, path: string, format: 'raw' | 'qcow2', size: string): Promise<void> {
  await host.run({ argv: createBaseArgv(qemuImg, path, format, size, { quiet: true }) });
}

/** A new overlay on BACKING, its format named (the argv: shared/qemu-img/create.ts). */
export async function createOverlay(host: Host, qemuImg: string, overlay: string, backing: string, backingFormat: string): Promise<void> {
  await host.run({ argv: createOverlayArgv(qemuImg, overlay, backing, backingFormat, { quiet: true }) });
}
