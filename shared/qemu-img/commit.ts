import type { Argv } from '../argv.js';
export interface CommitOptions {
  /** Commit down to this image of TOP's chain instead of TOP's own backing file. `-b` implies `-d`. */
  readonly base?: string;
  /** `-d`: leave TOP's data in TOP (otherwise qemu-img empties it after the commit). */
  readonly keepTop?: boolean;
}

/**
 * `qemu-img commit -p -f qcow2 [-b BASE] [-d] -- TOP`: TOP's data written into the image
 * below it (a writing verb: never on an image a running QEMU holds, data-safety rule 2).
 * With `-b BASE` the images between TOP and BASE are left invalid: the plan rebases
 * (`-u`) or discards them. Prints progress (`    (12.00/100%)\r`), then `Image committed.`.
 */
export function commitArgv(qemuImg: string, top: string, options: CommitOptions = {}): Argv {
  const base = options.base === undefined ? [] : ['-b', options.base];
  return [qemuImg, 'commit', '-p', '-f', 'qcow2', ...base, ...(options.keepTop ? ['-d'] : []), '--', top];
}
