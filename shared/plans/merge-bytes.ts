/**
 * The bytes a merge copies and the space it adds to the file it writes, from qemu-img's maps
 * of the chains (the core reads them before it plans; planners do no I/O). A commit copies
 * what the layers folded hold, and allocates only where the base holds nothing yet: a top
 * that rewrote the base's blocks takes next to no new space, where its allocated size would
 * say all of it. A pull copies into the overlay what the layers between hold. Counted from
 * above: zeros a layer holds count as written, a cluster partly touched counts whole, and a
 * qcow2 file's new tables are added. Null where a map is not known: the plan then counts
 * the layers' allocated sizes for both.
 */
import type { Image } from '../images/model.js';
import type { MapExtent } from '../qemu-img/map.js';
import type { Intent } from './intent.js';
import { chainBlockers, chainOf } from './source.js';
import { imageAt } from './dependents.js';
import type { World } from './world.js';

interface Range {
  readonly start: number;
  readonly end: number;
}

/** The ranges the layers at depths `from` to `to - 1` provide (`data`: those with data only), joined, in order. */
function heldAt(map: readonly MapExtent[], from: number, to: number, dataOnly: boolean): Range[] {
  const held = map.filter((extent) => extent.present && extent.depth >= from && extent.depth < to && (!dataOnly || extent.data)).map((extent) => ({ start: extent.start, end: extent.start + extent.length }));
  held.sort((a, b) => a.start - b.start);
  const joined: Range[] = [];
  for (const range of held) {
    const last = joined.at(-1);
    if (last !== undefined && range.start <= last.end) joined[joined.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    else joined.push(range);
  }
  return joined;
}

/** What of `ranges` lies outside `taken` (both joined and in order). */
function outside(ranges: readonly Range[], taken: readonly Range[]): Range[] {
  const left: Range[] = [];
  let at = 0;
  for (const range of ranges) {
    let start = range.start;
    while (at < taken.length && taken[at]!.end <= start) at++;
    for (let next = at; next < taken.length && taken[next]!.start < range.end; next++) {
      if (taken[next]!.start > start) left.push({ start, end: taken[next]!.start });
      start = Math.max(start, taken[next]!.end);
    }
    if (start < range.end) left.push({ start, end: range.end });
  }
  return left;
}

/** The file system's block, for a file with no clusters of its own (raw). */
const BLOCK = 4096;
/** qemu-img's default, where the header's own was not read. */
const QCOW2_CLUSTER = 65536;

/** The bytes `ranges` take in `target`: whole clusters, and for qcow2 the L2 tables and refcount blocks that map them. */
function bytesIn(target: Image, ranges: readonly Range[]): number {
  const qcow2 = target.format === 'qcow2';
  const cluster = qcow2 ? (target.qcow2?.clusterSize ?? QCOW2_CLUSTER) : BLOCK;
  let clusters = 0;
  let last = -1;
  for (const { start, end } of ranges) {
    const first = Math.max(Math.floor(start / cluster), last + 1);
    const final = Math.ceil(end / cluster) - 1;
    if (final >= first) clusters += final - first + 1;
    last = Math.max(last, final);
  }
  const data = clusters * cluster;
  if (!qcow2 || data === 0) return data;
  // An L2 table maps cluster/8 clusters, a refcount block (16-bit) cluster/2: one more of each, at most, per stretch.
  const tables = Math.ceil(clusters / (cluster / 8)) + Math.ceil(clusters / (cluster / 2)) + 1;
  return data + tables * cluster;
}

/** What a merge writes: the bytes it copies (its time), and the space they add to the file written (whether it fits). */
export interface MergeBytes {
  readonly copied: number;
  readonly added: number;
}

const length = (ranges: readonly Range[]): number => ranges.reduce((sum, range) => sum + range.end - range.start, 0);

/** A commit of `image` and the layers below it, down to the one at depth `depth` (`into`), into `into`. */
export function committedBytes(world: World, image: string, into: string, depth: number): MergeBytes | null {
  const base = imageAt(world, into);
  const above = world.chainMap?.(image) ?? null;
  const own = world.chainMap?.(into) ?? null;
  if (base === undefined || above === null || own === null) return null;
  const written = heldAt(above, 0, depth, false);
  return { copied: length(written), added: bytesIn(base, outside(written, heldAt(own, 0, 1, true))) };
}

/** A pull into `image` of the layers below it at depths 1 to `depth - 1` (from `depth` on, it backs onto what is left). */
export function pulledBytes(world: World, image: string, depth: number): MergeBytes | null {
  const overlay = imageAt(world, image);
  const map = world.chainMap?.(image) ?? null;
  if (overlay === undefined || map === null) return null;
  const written = heldAt(map, 1, depth, false);
  return { copied: length(written), added: bytesIn(overlay, written) };
}

/** The chains a merge plan reads a map of: the merged image's, and a commit's base's (by default the layer below). */
export function mappedChains(intent: Intent, world: World): [Image, ...Image[]][] {
  if (intent.kind !== 'commit' && intent.kind !== 'pull') return [];
  const top = imageAt(world, intent.image);
  if (top === undefined) return [];
  const into = intent.kind === 'commit' ? (intent.into ?? top.backing?.image ?? null) : null;
  const base = into === null ? undefined : imageAt(world, into);
  // Rule 3: a chain qemu-img would open by a guessed format is not read, not even to be mapped.
  return [top, ...(base === undefined ? [] : [base])].map((image) => chainOf(world, image)).filter((chain) => chainBlockers(chain[0].path, chain).length === 0);
}
