import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img rebase -p -f qcow2 -b NEW -F FMT -- OVERLAY` (safe: every cluster where the
 * old and new backing differ is copied into OVERLAY first, so the guest sees the same
 * bytes), or `-u` (unsafe: the header alone is rewritten, for after a move or a
 * `commit -b`; it checks nothing, so no progress to show). `-F` is always named: without
 * it the safe mode fails only after the copy (data-safety rule 3).
 */
export function rebaseArgv(qemuImg: string, overlay: string, newBacking: string, newBackingFormat: ImageFormat, options: { readonly unsafe?: boolean } = {}): Argv {
  const mode = options.unsafe ? ['-u'] : ['-p'];
  return [qemuImg, 'rebase', ...mode, '-f', 'qcow2', '-b', newBacking, '-F', newBackingFormat, '--', overlay];
}
