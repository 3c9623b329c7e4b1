import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/** `qemu-img map --output=json -U -f FMT -- FILE`: which layer of the chain holds each range. Read-only, so `-U`. */
export function mapArgv(qemuImg: string, path: string, format: ImageFormat): Argv {
  return [qemuImg, 'map', '--output=json', '-U', '-f', format, '--', path];
}

export interface MapExtent {
  readonly start: number;
  readonly length: number;
  /** 0 for FILE itself, counting up through its backing files; unallocated ranges get the bottom's depth. */
  readonly depth: number;
  /** Allocated in some layer (false: reads as zeros from nowhere). */
  readonly present: boolean;
  readonly zero: boolean;
  readonly data: boolean;
}

/**
 * `qemu-img map --output=json`: one object per line, the whole a JSON array. Captured on
 * a two-layer chain:
 *
 *     [{ "start": 0, "length": 524288, "depth": 1, "present": true, "zero": false, "data": true, "offset": 327680},
 *     { "start": 524288, "length": 131072, "depth": 0, "present": true, "zero": true, "data": false},
 *     { "start": 1048576, "length": 3145728, "depth": 1, "present": false, "zero": true, "data": false}]
 *
 * `offset` (inside the layer at that depth) is left out: it is missing for zero and
 * compressed ranges, and nothing here needs it.
 */
export function parseMap(stdout: string): MapExtent[] {
  const entries = JSON.parse(stdout) as Array<Record<string, unknown>>;
  return entries.map((entry) => ({
    start: Number(entry.start),
    length: Number(entry.length),
    depth: Number(entry.depth),
    present: entry.present === true,
    zero: entry.zero === true,
    data: entry.data === true,
  }));
}
