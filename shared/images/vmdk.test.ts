import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmdkDescriptorOffset, vmdkExtentNames } from './vmdk.js';

/** Descriptors as qemu-img 7.2 writes them, and edits of their extent lines. */
let dir: string;
let monolithicFlat: string;
let twoGbMaxExtentFlat: string;
let sparseHead: Buffer;

const descriptor = (subformat: string, name: string): string => {
  execFileSync('qemu-img', ['create', '-q', '-f', 'vmdk', '-o', `subformat=${subformat}`, join(dir, name), '1M']);
  return readFileSync(join(dir, name), 'latin1');
};
/** The descriptor with its one extent line replaced by `lines`. */
const withExtents = (text: string, lines: string): Uint8Array => {
  const edited = text.replace(/^RW 2048 FLAT "[^"]*" 0$/m, lines);
  if (edited === text) throw new Error('no extent line to edit');
  return Buffer.from(edited, 'latin1');
};
const names = (text: string, lines: string): string[] => vmdkExtentNames(withExtents(text, lines));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-vmdk-'));
  monolithicFlat = descriptor('monolithicFlat', 'd.vmdk');
  twoGbMaxExtentFlat = descriptor('twoGbMaxExtentFlat', 't.vmdk');
  execFileSync('qemu-img', ['create', '-q', '-f', 'vmdk', join(dir, 's.vmdk'), '1M']);
  sparseHead = readFileSync(join(dir, 's.vmdk')).subarray(0, 512);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the extents of a vmdk text descriptor', () => {
  it('are the quoted names of its extent lines, as qemu-img writes them', () => {
    expect(vmdkExtentNames(Buffer.from(monolithicFlat, 'latin1'))).toEqual(['d-flat.vmdk']);
    expect(vmdkExtentNames(Buffer.from(twoGbMaxExtentFlat, 'latin1'))).toEqual(['t-f001.vmdk']);
    expect(names(twoGbMaxExtentFlat, 'RW 4192256 FLAT "t-f001.vmdk" 0\r\nRW 2048 FLAT "/abs/with space.vmdk" 0\r')).toEqual(['t-f001.vmdk', '/abs/with space.vmdk']);
    expect(names(monolithicFlat, 'RW 2048 SPARSE "s.vmdk"\nRW 2048 VMFS "v.vmdk"\nRW 2048 VMFSSPARSE "vs.vmdk"\nRW 2048 SESPARSE "se.vmdk"')).toEqual(['s.vmdk', 'v.vmdk', 'vs.vmdk', 'se.vmdk']);
  });

  it('leave out the lines QEMU skips: no file type, no sectors, not read-write', () => {
    // qemu-img 7.2 opens none of these (and, left with no extent, fails an assertion).
    expect(names(monolithicFlat, 'RW 2048 ZERO "zero.vmdk"')).toEqual([]);
    expect(names(monolithicFlat, 'RW 2048 ZERO')).toEqual([]);
    expect(names(monolithicFlat, 'RW 2048 OTHER "other.vmdk"')).toEqual([]);
    expect(names(monolithicFlat, 'RW 0 FLAT "empty.vmdk" 0')).toEqual([]);
    expect(names(monolithicFlat, 'RW -5 FLAT "negative.vmdk" 0')).toEqual([]);
    expect(names(monolithicFlat, 'RDONLY 2048 FLAT "ro.vmdk" 0\nNOACCESS 2048 FLAT "no.vmdk" 0')).toEqual([]);
    expect(names(monolithicFlat, 'RW 2048FLAT"glued.vmdk" 0')).toEqual([]);
  });

  it('stop at a line of the wrong shape, where QEMU refuses the descriptor', () => {
    // "Invalid extent line": a FLAT extent without an offset, any other with one.
    expect(names(monolithicFlat, 'RW 2048 FLAT "a.vmdk" 0\nRW 2048 SPARSE "b.vmdk" 0\nRW 2048 FLAT "c.vmdk" 0')).toEqual(['a.vmdk']);
    expect(names(monolithicFlat, 'RW 2048 FLAT "a.vmdk"\nRW 2048 FLAT "c.vmdk" 0')).toEqual([]);
    expect(names(monolithicFlat, 'RW 2048 ZERO "z.vmdk" 0\nRW 2048 FLAT "c.vmdk" 0')).toEqual([]);
  });

  it('are read as sscanf reads them: over line ends, to the first NUL, names as bytes', () => {
    // From the blank line before it, sscanf skips the newline and reads the extent: QEMU opens it twice.
    expect(names(monolithicFlat, '\n  RW 2048 FLAT "d-flat.vmdk" 0')).toEqual(['d-flat.vmdk', 'd-flat.vmdk']);
    expect(names(monolithicFlat, 'RW 2048 FLAT "a.vmdk" 0\0\nRW 2048 FLAT "b.vmdk" 0')).toEqual(['a.vmdk']);
    expect(names(monolithicFlat, 'RW 2048 FLAT "\xfe.vmdk" 0')).toEqual(['\udcfe.vmdk']);
    expect(names(monolithicFlat, `RW 2048 FLAT "${'n'.repeat(512)}" 0`)).toEqual([]);
  });

  it('are none when QEMU refuses the createType', () => {
    expect(vmdkExtentNames(Buffer.from(monolithicFlat.replace('createType="monolithicFlat"', 'createType="monolithicSparse"'), 'latin1'))).toEqual([]);
    expect(vmdkExtentNames(Buffer.from(monolithicFlat.replace('createType', 'kind'), 'latin1'))).toEqual([]);
  });
});

describe('where a vmdk keeps the descriptor that names its extents', () => {
  it('is the start of a text descriptor', () => {
    expect(vmdkDescriptorOffset(Buffer.from(monolithicFlat.slice(0, 512), 'latin1'))).toBe(0);
  });

  it('is nowhere for a sparse vmdk with a capacity: it is its own extent', () => {
    expect(vmdkDescriptorOffset(sparseHead)).toBeNull();
  });

  it('is the embedded descriptor of a binary vmdk whose capacity is 0', () => {
    const head = Buffer.from(sparseHead);
    head.writeBigUInt64LE(0n, 12);
    expect(vmdkDescriptorOffset(head)).toBe(Number(sparseHead.readBigUInt64LE(28)) * 512);
  });
});
