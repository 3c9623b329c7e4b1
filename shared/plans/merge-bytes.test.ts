import { describe, expect, it } from 'vitest';
import { Intent, type IntentInput } from './intent.js';
import { committedBytes, mappedChains, pulledBytes } from './merge-bytes.js';
import { bare, base, sn1, sn2, sn3 } from './merge.test-support.js';
import { plan } from './planners.js';
import { image, overlay, world, type WorldParts } from './world.test-support.js';
import type { MapExtent } from '../qemu-img/map.js';

const MiB = 1 << 20;
const KiB = 1 << 10;
/** A top layer straight on the base, holding 28 MiB. */
const top = overlay('/vm/top.qcow2', base, { actualSize: 28 * MiB });
/** A range of a chain's map, as `qemu-img map --output=json` gives it. */
const at = (depth: number, startMiB: number, lengthMiB: number, kind: 'data' | 'zero' | 'none' = 'data'): MapExtent => ({
  start: startMiB * MiB,
  length: lengthMiB * MiB,
  depth,
  present: kind !== 'none',
  zero: kind !== 'data',
  data: kind === 'data',
});
/** The tables a qcow2 file of 64 KiB clusters adds for up to 512 MiB of new clusters: an L2 table, a refcount block, and one more. */
const TABLES = 3 * 64 * KiB;
/** The top rewrote 0-24 MiB and wrote 40-44 MiB; the base holds 0-32 MiB. */
const rewritten = {
  [top.path]: [at(0, 0, 24), at(1, 24, 8), at(1, 32, 8, 'none'), at(0, 40, 4), at(1, 44, 20, 'none')],
  [base.path]: [at(0, 0, 32), at(0, 32, 32, 'none')],
};

describe("what a merge copies, and the space it adds to the file it writes, from the chains' maps", () => {
  it("a commit copies all the top holds, and adds only what the base does not hold yet: a top that rewrote the base's blocks adds next to nothing", () => {
    expect(committedBytes(world({ images: [base, top], chainMaps: rewritten }), top.path, base.path, 1)).toEqual({ copied: 28 * MiB, added: 4 * MiB + TABLES });
    // Not mapped: nothing said, the planner counts allocated sizes.
    expect(committedBytes(world({ images: [base, top], chainMaps: {} }), top.path, base.path, 1)).toBeNull();
  });

  it('a commit into a layer that holds nothing of its own adds all the top holds, though a layer below that one holds it', () => {
    const chainMaps = { [sn3.path]: [at(0, 0, 24), at(3, 24, 40, 'none')], [sn2.path]: [at(2, 0, 32), at(2, 32, 32, 'none')] };
    expect(committedBytes(world({ ...bare, chainMaps }), sn3.path, sn2.path, 1)).toEqual({ copied: 24 * MiB, added: 24 * MiB + TABLES });
  });

  it('a commit of several layers counts what each holds down to the base, once; zeros they hold count as written', () => {
    const chainMaps = {
      // sn3 holds 0-1 MiB, sn2 zeros at 2-3 MiB; sn1 itself 0-2 MiB (seen at 1-2), the base 3-4 MiB.
      [sn3.path]: [at(0, 0, 1), at(2, 1, 1), at(1, 2, 1, 'zero'), at(3, 3, 1), at(3, 4, 60, 'none')],
      [sn1.path]: [at(0, 0, 2), at(1, 2, 1, 'none'), at(1, 3, 1), at(1, 4, 60, 'none')],
    };
    // Into sn1 (depth 2): what sn3 and sn2 hold, less what sn1 holds already: 2-3 MiB is new.
    expect(committedBytes(world({ ...bare, chainMaps }), sn3.path, sn1.path, 2)).toEqual({ copied: 2 * MiB, added: 1 * MiB + TABLES });
  });

  it('rounds each new range out to whole clusters of the base, and counts a cluster two ranges touch once', () => {
    const chainMaps = {
      [top.path]: [
        { start: 0, length: 4 * KiB, depth: 0, present: true, zero: false, data: true },
        { start: 60 * KiB, length: 8 * KiB, depth: 0, present: true, zero: false, data: true },
        { start: 68 * KiB, length: 64 * MiB - 68 * KiB, depth: 1, present: false, zero: true, data: false },
      ],
      [base.path]: [],
    };
    const rawBase = image(base.path, { format: 'raw' });
    // A raw base: by 4 KiB blocks, no tables.
    expect(committedBytes(world({ images: [rawBase, overlay(top.path, rawBase)], chainMaps }), top.path, base.path, 1)).toEqual({ copied: 12 * KiB, added: 12 * KiB });
    // A qcow2 base of 64 KiB clusters: 0-64 KiB and 64-128 KiB.
    expect(committedBytes(world({ images: [base, top], chainMaps }), top.path, base.path, 1)).toEqual({ copied: 12 * KiB, added: 128 * KiB + TABLES });
  });

  it('a pull copies what the layers between hold, and nothing of the base it keeps', () => {
    const chainMaps = { [sn3.path]: [at(0, 0, 1), at(1, 1, 2), at(2, 3, 1), at(3, 4, 8), at(3, 12, 52, 'none')] };
    expect(pulledBytes(world({ ...bare, chainMaps }), sn3.path, 3)).toEqual({ copied: 3 * MiB, added: 3 * MiB + TABLES });
    // Flattened: the base's data too.
    expect(pulledBytes(world({ ...bare, chainMaps }), sn3.path, 4)).toEqual({ copied: 11 * MiB, added: 11 * MiB + TABLES });
  });
});

describe('a merge plan weighed by the maps', () => {
  const commit = Intent.parse({ kind: 'commit', image: top.path });
  it('says the bytes it copies, where the layers added up would say more or less', () => {
    const shrunk = overlay(top.path, base, { actualSize: 40 * MiB });
    expect(plan(commit, world({ images: [base, shrunk], chainMaps: rewritten })).bytes).toBe(28 * MiB);
    expect(plan(commit, world({ images: [base, shrunk] })).bytes).toBe(40 * MiB);
  });

  it("is blocked where the space it adds does not fit, and not where the top's size alone would not", () => {
    expect(plan(commit, world({ images: [base, top], chainMaps: rewritten, freeBytes: 5 * MiB })).blockers).toEqual([]);
    expect(plan(commit, world({ images: [base, top], freeBytes: 5 * MiB })).blockers).toMatchObject([{ code: 'no-space' }]);
    expect(plan(commit, world({ images: [base, top], chainMaps: rewritten, freeBytes: 4 * MiB })).blockers).toMatchObject([{ code: 'no-space', values: { size: '4.2 MiB', free: '4.0 MiB' } }]);
  });
});

describe('the chains a merge plan has mapped', () => {
  it("are the merged image's and a commit's base's, by default the layer below; none for other intents, and none qemu-img would open by a guessed format", () => {
    const paths = (intent: IntentInput, parts: WorldParts = bare) => mappedChains(Intent.parse(intent), world(parts)).map((chain) => chain[0].path);
    expect(paths({ kind: 'commit', image: sn3.path })).toEqual([sn3.path, sn2.path]);
    expect(paths({ kind: 'commit', image: sn3.path, into: sn1.path })).toEqual([sn3.path, sn1.path]);
    expect(paths({ kind: 'pull', image: sn3.path })).toEqual([sn3.path]);
    expect(paths({ kind: 'convert', image: sn3.path, path: '/vm/copy.qcow2' })).toEqual([]);
    const guessed = overlay(sn3.path, sn2, { problems: [{ code: 'no-backing-format', key: '', values: {}, message: '' }] });
    expect(paths({ kind: 'commit', image: sn3.path }, { images: [base, sn1, sn2, guessed] })).toEqual([sn2.path]);
  });
});
