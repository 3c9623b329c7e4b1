import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img create -f qcow2 -b BACKING -F FMT -- OVERLAY`: a new overlay. The backing
 * format is always named (data-safety rule 3: qemu-img trusts `-F` blindly, and without
 * it refuses); with no size the overlay takes the backing file's. A relative BACKING is
 * resolved by qemu-img against the overlay's folder and stored as given. `--` ends the
 * options, so a file name with a leading dash stays a file name.
 */
export function createOverlayArgv(qemuImg: string, overlay: string, backing: string, backingFormat: ImageFormat, options: { readonly quiet?: boolean } = {}): Argv {
  return [qemuImg, 'create', ...(options.quiet ? ['-q'] : []), '-f', 'qcow2', '-b', backing, '-F', backingFormat, '--', overlay];
}

/** `qemu-img create -f FMT -- FILE SIZE`: a new, sparse image with no backing file. */
export function createBaseArgv(qemuImg: string, path: string, format: 'raw' | 'qcow2', size: string, options: { readonly quiet?: boolean } = {}): Argv {
  return [qemuImg, 'create', ...(options.quiet ? ['-q'] : []), '-f', format, '--', path, size];
}
