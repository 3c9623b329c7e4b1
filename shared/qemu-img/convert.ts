import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img convert -p -f IN -O OUT -- SOURCE TARGET`: SOURCE's whole chain, flattened,
 * as a new TARGET. Both formats are named (data-safety rule 3). Prints progress
 * (`    (12.00/100%)\r`).
 */
export function convertArgv(qemuImg: string, source: string, sourceFormat: ImageFormat, target: string, targetFormat: ImageFormat): Argv {
  return [qemuImg, 'convert', '-p', '-f', sourceFormat, '-O', targetFormat, '--', source, target];
}
