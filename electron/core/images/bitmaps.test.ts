/**
 * Persistent dirty bitmaps' directories, damaged one field at a time, read by the scan and
 * by qemu-img info: each is refused in QEMU's words exactly where qemu-img refuses it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHost } from '../host/local.js';
import { scanPaths } from './scan.js';

let dir: string;
let pristine: Buffer;
/** Where the bitmaps' header extension and the directory are in the image qemu-img made. */
let extension: number;
let directory: number;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-bitmaps-'));
  const image = join(dir, 'made.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', image, '16M']);
  execFileSync('qemu-img', ['bitmap', '--add', image, 'b0']);
  execFileSync('qemu-img', ['bitmap', '--add', image, 'second']);
  pristine = readFileSync(image);
  // The header extensions start after the header (its length at 100); the bitmaps' is 0x23852875.
  let at = pristine.readUInt32BE(100);
  while (pristine.readUInt32BE(at) !== 0x23852875) at += 8 + ((pristine.readUInt32BE(at + 4) + 7) & ~7);
  extension = at + 8;
  directory = Number(pristine.readBigUInt64BE(extension + 16));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edits: [string, (bytes: Buffer) => void][] = [
  ['as qemu-img made it', () => undefined],
  ['granularity bits 8', (b) => b.writeUInt8(8, directory + 17)],
  ['granularity bits 32', (b) => b.writeUInt8(32, directory + 17)],
  ['a reserved flag', (b) => b.writeUInt32BE(4, directory + 12)],
  ['the in-use flag', (b) => b.writeUInt32BE(1, directory + 12)],
  ['another type', (b) => b.writeUInt8(2, directory + 16)],
  ['a table offset off a cluster', (b) => b.writeBigUInt64BE(b.readBigUInt64BE(directory) + 512n, directory)],
  ['a table offset of 0', (b) => b.writeBigUInt64BE(0n, directory)],
  ['a table size of 0', (b) => b.writeUInt32BE(0, directory + 8)],
  ['a table too large', (b) => b.writeUInt32BE(0x8000001, directory + 8)],
  ['a name size of 0', (b) => b.writeUInt16BE(0, directory + 18)],
  ['a name size past the directory', (b) => b.writeUInt16BE(500, directory + 18)],
  ['extra data', (b) => b.writeUInt32BE(8, directory + 20)],
  ['a directory of 8 bytes', (b) => b.writeBigUInt64BE(8n, extension + 8)],
  ['a directory of 64 MiB, above QEMU\'s most', (b) => b.writeBigUInt64BE(64n << 20n, extension + 8)],
  ['a directory of QEMU\'s most, 1024 x 65535 bytes', (b) => b.writeBigUInt64BE(1024n * 65535n, extension + 8)],
  ['a directory past the end of the file, read as zeros', (b) => b.writeBigUInt64BE(BigInt(Math.ceil(b.length / 4096) * 4096 + 4096 * 16), extension + 16)],
  ['three bitmaps counted', (b) => b.writeUInt32BE(3, extension)],
  ['one bitmap counted', (b) => b.writeUInt32BE(1, extension)],
  // b0's own table (one entry: its disk needs one cluster of bits), then the second bitmap's name.
  ['a table entry with a reserved bit', (b) => b.writeBigUInt64BE(1n << 60n, table(b))],
  ['a table entry whose data is off a cluster', (b) => b.writeBigUInt64BE(0x1200n, table(b))],
  ['a table entry with data and the all-ones flag', (b) => b.writeBigUInt64BE(0x2000n | 1n, table(b))],
  ['a table entry of all ones, no data', (b) => b.writeBigUInt64BE(1n, table(b))],
  ['a table of two clusters where one is needed', (b) => b.writeUInt32BE(2, directory + 8)],
  ['a bitmap in use, its table entry with a reserved bit', (b) => (b.writeUInt32BE(1, directory + 12), b.writeBigUInt64BE(1n << 60n, table(b)))],
  ['two bitmaps of one name', (b) => (b.writeUInt16BE(2, directory + 32 + 18), b.write('b0\0\0\0\0', directory + 32 + 24, 'latin1'))],
];
function table(bytes: Buffer): number {
  return Number(bytes.readBigUInt64BE(directory));
}

describe('a bitmap directory', () => {
  it.each(edits)('with %s: refused by the scan exactly when qemu-img refuses it, in its words', async (label, edit) => {
    const path = join(dir, `${label.replaceAll(' ', '-')}.qcow2`);
    const bytes = Buffer.from(pristine);
    edit(bytes);
    writeFileSync(path, bytes);
    const info = spawnSync('qemu-img', ['info', '--output=json', '--', path], { encoding: 'utf8' });
    const image = (await scanPaths(new LocalHost(), [path])).images[0]!;
    const refused = image.problems.find((problem) => problem.code === 'invalid-header');
    if (info.status === 0) {
      expect(refused, label).toBeUndefined();
      expect(image.virtualSize).toBe(16 << 20);
    } else {
      expect(refused, `${label}: ${info.stderr}`).toBeDefined();
      expect(info.stderr).toContain(refused!.message.replace(/^QEMU refuses to open this image: "(.*)"\.$/s, '$1'));
      expect(image.virtualSize).toBeNull();
    }
  });
});

describe('bitmaps as qemu-img makes them', () => {
  it.each([
    ['64M', '512', '4096'],
    ['1G', '65536', '65536'],
    ['3G', '512', '65536'],
    ['1000000000', '1024', '512'],
  ])('on a disk of %s, granularity %s, clusters of %s: the table is the size QEMU reads, and nothing is refused', async (size, granularity, cluster) => {
    const path = join(dir, `made-${size}-${granularity}-${cluster}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', `cluster_size=${cluster}`, path, size]);
    execFileSync('qemu-img', ['bitmap', '--add', '-g', granularity, path, 'bm']);
    expect(spawnSync('qemu-img', ['info', '--', path]).status).toBe(0);
    expect((await scanPaths(new LocalHost(), [path])).images[0]!.problems).toEqual([]);
  });
});
