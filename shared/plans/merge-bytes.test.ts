import { describe, expect, it } from 'vitest';
import { Intent, type IntentInput } from './intent.js';
import { mappedChains } from './merge-bytes.js';
import { bare, base, sn1, sn2, sn3 } from './merge.test-support.js';
import { plan } from './planners.js';
import { image, overlay, world, type WorldParts } from './world.test-support.js';
import type { MapExtent } from '../qemu-img/map.js';

const MiB = 1 << 20;
/** A top layer straight on the base, holding 28 MiB. */
const top = overlay('/vm/top.qcow2', base, { actualSize: 28 * MiB });
const KiB = 1 << 10;
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
const bytesOf = (intent: IntentInput, parts: WorldParts) => plan(Intent.parse({ keepMetadata: false, ...intent }), world(parts)).bytes;

describe('the bytes a merge adds to the file it writes, from the chains\' maps', () => {
  it('a commit counts only what the base does not hold yet: a top that rewrote the base\'s blocks adds next to nothing', () => {
    const chainMaps = {
      // The top rewrote 0-24 MiB and wrote 40-44 MiB; the base holds 0-32 MiB.
      [top.path]: [at(0, 0, 24), at(1, 24, 8), at(1, 32, 8, 'none'), at(0, 40, 4), at(1, 44, 20, 'none')],
      [base.path]: [at(0, 0, 32), at(0, 32, 32, 'none')],
    };
    const parts = { images: [base, top], chainMaps };
    expect(bytesOf({ kind: 'commit', image: top.path }, parts)).toBe(4 * MiB + TABLES);
    // Not mapped: the layers' allocated sizes stand in.
    expect(bytesOf({ kind: 'commit', image: top.path }, { ...parts, chainMaps: {} })).toBe(28 * MiB);
  });

  it('a commit into a layer that holds nothing of its own counts all the top holds, though a layer below that one holds it', () => {
    const chainMaps = { [sn3.path]: [at(0, 0, 24), at(3, 24, 40, 'none')], [sn2.path]: [at(2, 0, 32), at(2, 32, 32, 'none')] };
    expect(bytesOf({ kind: 'commit', image: sn3.path }, { ...bare, chainMaps })).toBe(24 * MiB + TABLES);
  });

  it('a commit of several layers counts what each holds down to the base, once; zeros they hold count as written', () => {
    const chainMaps = {
      // sn3 holds 0-1 MiB, sn2 zeros at 2-3 MiB; sn1 itself 0-2 MiB (seen at 1-2), the base 3-4 MiB.
      [sn3.path]: [at(0, 0, 1), at(2, 1, 1), at(1, 2, 1, 'zero'), at(3, 3, 1), at(3, 4, 60, 'none')],
      [sn1.path]: [at(0, 0, 2), at(1, 2, 1, 'none'), at(1, 3, 1), at(1, 4, 60, 'none')],
    };
    // Into sn1: what sn3 and sn2 hold, less what sn1 holds already: 2-3 MiB is new.
    expect(bytesOf({ kind: 'commit', image: sn3.path, into: sn1.path }, { ...bare, chainMaps })).toBe(1 * MiB + TABLES);
  });

  it('rounds each new range out to whole clusters of the base, and counts a cluster two ranges touch once', () => {
    const chainMaps = {
      [sn3.path]: [
        { start: 0, length: 4 * KiB, depth: 0, present: true, zero: false, data: true },
        { start: 60 * KiB, length: 8 * KiB, depth: 0, present: true, zero: false, data: true },
        { start: 68 * KiB, length: 64 * MiB - 68 * KiB, depth: 1, present: false, zero: true, data: false },
      ],
      [base.path]: [],
    };
    const twoLayers = { images: [image(base.path, { format: 'raw' }), overlay(sn3.path, image(base.path, { format: 'raw' }))], chainMaps };
    // A raw base: by 4 KiB blocks, no tables.
    expect(bytesOf({ kind: 'commit', image: sn3.path }, twoLayers)).toBe(12 * KiB);
    // A qcow2 base of 64 KiB clusters: 0-64 KiB and 64-128 KiB.
    expect(bytesOf({ kind: 'commit', image: sn3.path }, { images: [base, overlay(sn3.path, base)], chainMaps })).toBe(128 * KiB + TABLES);
  });

  it('a pull counts what the layers between hold, and nothing of the base it keeps', () => {
    const chainMaps = { [sn3.path]: [at(0, 0, 1), at(1, 1, 2), at(2, 3, 1), at(3, 4, 8), at(3, 12, 52, 'none')] };
    expect(bytesOf({ kind: 'pull', image: sn3.path, base: base.path }, { ...bare, chainMaps })).toBe(3 * MiB + TABLES);
    // Flattened: the base's data too.
    expect(bytesOf({ kind: 'pull', image: sn3.path }, { ...bare, chainMaps })).toBe(11 * MiB + TABLES);
  });

  it('blocks a commit that does not fit by its map, and lets one that does, though the layers\' allocated sizes would not fit', () => {
    const chainMaps = { [top.path]: [at(0, 0, 24), at(1, 24, 8), at(1, 32, 32, 'none')], [base.path]: [at(0, 0, 32), at(0, 32, 32, 'none')] };
    const images = [base, overlay(top.path, base, { actualSize: 24 * MiB })];
    const commit = Intent.parse({ kind: 'commit', image: top.path });
    expect(plan(commit, world({ images, chainMaps, freeBytes: MiB })).blockers).toEqual([]);
    const grown = { ...chainMaps, [top.path]: [at(0, 0, 24), at(1, 24, 8), at(1, 32, 8, 'none'), at(0, 40, 2), at(1, 42, 22, 'none')] };
    expect(plan(commit, world({ images, chainMaps: grown, freeBytes: MiB })).blockers).toMatchObject([{ code: 'no-space', values: { size: '2.2 MiB', free: '1.0 MiB' } }]);
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
