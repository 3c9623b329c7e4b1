import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img convert -p -t writeback -f IN -O OUT -- SOURCE TARGET`: SOURCE's whole chain,
 * flattened, as a new TARGET. Both formats are named (data-safety rule 3). Prints progress
 * (`    (12.00/100%)\r`). `-t writeback`: convert's own default is `unsafe`, which never
 * flushes the copy, so a domain switched to it (its old disk trashed) would, after a power
 * cut in the next half minute, boot a file the disk never got; this way qemu-img flushes
 * the copy before it exits, and the job's next step stands on data that is on the disk.
 */
export function convertArgv(qemuImg: string, source: string, sourceFormat: ImageFormat, target: string, targetFormat: ImageFormat, options: ConvertOptions = {}): Argv {
  return [qemuImg, 'convert', '-p', '-t', 'writeback', ...(options.shared ? ['-U'] : []), '-f', sourceFormat, '-O', targetFormat, ...snapshotOption(options.snapshot), '--', source, target];
}

/** `-l snapshot.name=S`, read at the internal snapshot S (a comma in S doubled, as qemu's option syntax escapes it); none without S. */
export function snapshotOption(snapshot: string | undefined): string[] {
  return snapshot === undefined ? [] : ['-l', `snapshot.name=${snapshot.replaceAll(',', ',,')}`];
}

export interface ConvertOptions {
  /** `-l snapshot.name=S`: the internal snapshot S instead of the image's present state (a comma in S is doubled, as qemu's option syntax escapes it). */
  readonly snapshot?: string;
  /** `-U`: read an image a running QEMU holds; only for data that QEMU does not change (an internal snapshot's clusters). */
  readonly shared?: boolean;
}
