import type { Argv } from '../argv.js';
import { snapshotOption } from './convert.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img measure --output=json -U -f FMT -O OUT [-l snapshot.name=S] -- FILE`: the bytes
 * a `convert` of FILE's whole chain (at its internal snapshot S) to OUT needs, for a plan to
 * show before it copies. Read-only, so `-U` (the image may be in use; the figure is an
 * estimate either way).
 */
export function measureArgv(qemuImg: string, path: string, format: ImageFormat, outputFormat: ImageFormat, snapshot?: string): Argv {
  return [qemuImg, 'measure', '--output=json', '-U', '-f', format, '-O', outputFormat, ...snapshotOption(snapshot), '--', path];
}

export interface Measure {
  /** Bytes the converted image takes as the chain stands. */
  readonly required: number;
  /** Bytes it would take with every cluster allocated. */
  readonly fullyAllocated: number;
}

/**
 * `qemu-img measure --output=json`, captured (`bitmaps` only when the source is qcow2):
 *
 *     {
 *         "bitmaps": 0,
 *         "required": 327680,
 *         "fully-allocated": 1376256
 *     }
 */
export function parseMeasure(stdout: string): Measure {
  const json = JSON.parse(stdout) as Record<string, unknown>;
  if (typeof json.required !== 'number' || typeof json['fully-allocated'] !== 'number') throw new Error(`qemu-img measure printed no sizes: ${stdout.trim()}`);
  return { required: json.required, fullyAllocated: json['fully-allocated'] };
}
