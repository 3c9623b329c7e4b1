import { describe, expect, it } from 'vitest';
import { vmdkExtentNames } from './vmdk.js';

describe('the extents of a vmdk text descriptor', () => {
  it('are the quoted names of its read-write extent lines', () => {
    // As qemu-img 7.2 writes them (monolithicFlat, twoGbMaxExtentSparse), and a hand-made one.
    expect(vmdkExtentNames('# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\n\n# Extent description\nRW 2048 FLAT "d-flat.vmdk" 0\n')).toEqual(['d-flat.vmdk']);
    expect(vmdkExtentNames('# Disk DescriptorFile\r\nRW 4192256 SPARSE "s-s001.vmdk"\r\nRW 2048 SPARSE "s-s002.vmdk"\r\n')).toEqual(['s-s001.vmdk', 's-s002.vmdk']);
    expect(vmdkExtentNames('# Disk DescriptorFile\nRDONLY 2048 FLAT "ro.vmdk" 0\nRW 2048 ZERO\nRW 2048 FLAT "/abs/with space.vmdk" 0\n')).toEqual(['/abs/with space.vmdk']);
  });

  it('are none for anything but a text descriptor', () => {
    expect(vmdkExtentNames('KDMV\u0001\u0000\u0000\u0000RW 2048 FLAT "x" 0')).toEqual([]);
  });
});
