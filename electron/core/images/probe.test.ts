/**
 * Which format a file is, as QEMU's probes find it (qemu-img info with no -f): a vmdk's
 * text descriptor as vmdk_probe reads it, LUKS as 7.2 reads it (version 1 only), and the
 * formats QEMU opens that Snaptree does not read, which must never be taken for raw.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest } from '../../../shared/images/model.js';
import { detectFormat, qemuOnlyFormat } from '../../../shared/images/magic.js';
import { LocalHost } from '../host/local.js';
import { qemuImg } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

let dir: string;
let forest: Forest;
const file = (name: string) => join(dir, name);
const probedByQemu = (name: string): string => (JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '--', file(name)], { encoding: 'utf8' })) as { format: string }).format;
const scanned = (name: string) => forest.images.find((image) => image.path === file(name))!;
const descriptor = (lines: string[]) => `${lines.join('\n')}\ncreateType="monolithicFlat"\nRW 32768 FLAT "flat.raw" 0\n`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-probe-'));
  qemuImg('create', '-q', '-f', 'raw', file('flat.raw'), '16M');
  // Comments and a line of spaces may come first; the first other line must be version=N.
  writeFileSync(file('commented.img'), descriptor(['# written by hand', '   ', 'version=1', 'CID=12345678', 'parentCID=ffffffff']));
  writeFileSync(file('cid-first.img'), descriptor(['# Disk DescriptorFile', 'CID=12345678', 'version=1', 'parentCID=ffffffff']));
  writeFileSync(file('luks2.img'), Buffer.concat([Buffer.from('LUKS\xba\xbe\x00\x02', 'latin1'), Buffer.alloc(4096)]));
  qemuImg('create', '-q', '-f', 'parallels', file('parallels.img'), '16M');
  const cloop = Buffer.alloc(1024);
  cloop.write('#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n', 'latin1');
  cloop.writeUInt32BE(65536, 128);
  cloop.writeUInt32BE(1, 132);
  cloop.writeBigUInt64BE(152n, 136);
  cloop.writeBigUInt64BE(152n, 144);
  writeFileSync(file('disk.cloop.img'), cloop);
  qemuImg('create', '-q', '-f', 'qcow', file('old.qcow'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', file('new.qcow'), '1M');
  forest = await scanPaths(new LocalHost(), [dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("QEMU's probes, as Snaptree reads them", () => {
  it('a text descriptor whose first line past comments and blank space is version=1 is a vmdk; one that starts with CID= is raw', () => {
    expect(probedByQemu('commented.img')).toBe('vmdk');
    expect(scanned('commented.img')).toMatchObject({ format: 'vmdk', virtualSize: 16 << 20 });
    expect(probedByQemu('cid-first.img')).toBe('raw');
    expect(scanned('cid-first.img').format).toBe('raw');
  });

  it('a LUKS version 2 header is raw to QEMU 7.2', () => {
    expect(probedByQemu('luks2.img')).toBe('raw');
    expect(scanned('luks2.img').format).toBe('raw');
  });

  it.each(['parallels', 'cloop'])("a %s image, a format Snaptree does not read, is not taken for raw: QEMU's format is named, and no plan acts on it", (format) => {
    const name = format === 'cloop' ? 'disk.cloop.img' : `${format}.img`;
    expect(probedByQemu(name)).toBe(format);
    expect(scanned(name)).toMatchObject({ format: 'unknown', problems: [{ code: 'unreadable', key: 'image.unreadable.otherFormat', values: { format } }] });
  });

  it('a name ending .qcow fits either QCOW version: no problem for either', () => {
    expect([probedByQemu('old.qcow'), probedByQemu('new.qcow')]).toEqual(['qcow', 'qcow2']);
    expect([scanned('old.qcow'), scanned('new.qcow')]).toMatchObject([{ format: 'qcow', problems: [] }, { format: 'qcow2', problems: [] }]);
  });

  it("bochs by its header fields, dmg by its name alone, as QEMU's probes tell them", () => {
    const bochs = Buffer.alloc(512);
    bochs.write('Bochs Virtual HD Image', 0, 'latin1');
    bochs.write('Redolog', 32, 'latin1');
    bochs.write('Growing', 48, 'latin1');
    bochs.writeUInt32LE(0x00020000, 64);
    expect([detectFormat(bochs), qemuOnlyFormat(bochs, '/vm/b.img')]).toEqual(['raw', 'bochs']);
    bochs.writeUInt32LE(3, 64);
    expect(qemuOnlyFormat(bochs, '/vm/b.img')).toBeNull();
    expect(qemuOnlyFormat(Buffer.alloc(512), '/vm/mac.dmg')).toBe('dmg');
    expect(qemuOnlyFormat(Buffer.alloc(512), '/vm/disk.img')).toBeNull();
  });
});
