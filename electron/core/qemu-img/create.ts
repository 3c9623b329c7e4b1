import type { Host } from '../host/host.js';

/** `qemu-img create -f raw|qcow2 FILE SIZE`: a new, sparse image with no backing file. */
export async function createImage(host: Host, qemuImg: string, path: string, format: 'raw' | 'qcow2', size: string): Promise<void> {
  await host.run({ argv: [qemuImg, 'create', '-q', '-f', format, path, size] });
}

/**
 * `qemu-img create -f qcow2 -b BACKING -F FMT OVERLAY`: a new overlay. The backing
 * format is always named (data-safety rule 3); a relative BACKING is resolved by
 * qemu-img against the overlay's folder and stored as given.
 */
export async function createOverlay(host: Host, qemuImg: string, overlay: string, backing: string, backingFormat: string): Promise<void> {
  await host.run({ argv: [qemuImg, 'create', '-q', '-f', 'qcow2', '-b', backing, '-F', backingFormat, overlay] });
}
