import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img convert -p -f IN -O OUT -- SOURCE TARGET`: SOURCE's whole chain, flattened,
 * as a new TARGET. Both formats are named (data-safety rule 3). Prints progress
 * (`    (12.00/100%)\r`).
 */
export function convertArgv(qemuImg: string, source: string, sourceFormat: ImageFormat, target: string, targetFormat: ImageFormat, options: ConvertOptions = {}): Argv {
  const snapshot = options.snapshot === undefined ? [] : ['-l', `snapshot.name=${options.snapshot.replaceAll(',', ',,')}`];
  return [qemuImg, 'convert', '-p', ...(options.shared ? ['-U'] : []), '-f', sourceFormat, '-O', targetFormat, ...snapshot, '--', source, target];
}

export interface ConvertOptions {
  /** `-l snapshot.name=S`: the internal snapshot S instead of the image's present state (a comma in S is doubled, as qemu's option syntax escapes it). */
  readonly snapshot?: string;
  /** `-U`: read an image a running QEMU holds; only for data that QEMU does not change (an internal snapshot's clusters). */
  readonly shared?: boolean;
}
