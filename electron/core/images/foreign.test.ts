import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest, Image } from '../../../shared/images/model.js';
import { LocalHost } from '../host/local.js';
import { qemuImg } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

/** Formats read through `qemu-img info`, and the files qemu-img must not be given. */
let dir: string;
let forest: Forest;
let seconds: number;
const image = (path: string): Image => {
  const found = forest.images.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`${path} was not in the forest`);
  return found;
};
/**
 * A sparse vmdk as qemu-img makes it, made into one whose header has capacity 0 and points
 * at its embedded descriptor (as qemu-img 7.2 reads it, vmdk_open_vmdk4), which now names
 * a flat extent `extent`.
 */
const withEmbeddedDescriptor = (name: string, extent: string): void => {
  qemuImg('create', '-q', '-f', 'vmdk', join(dir, name), '1M');
  const bytes = readFileSync(join(dir, name));
  bytes.writeBigUInt64LE(0n, 12);
  const at = Number(bytes.readBigUInt64LE(28)) * 512;
  const size = Number(bytes.readBigUInt64LE(36)) * 512;
  bytes.fill(0, at, at + size);
  bytes.write(`# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\n# Extent description\nRW 2048 FLAT "${extent}" 0\n`, at, 'latin1');
  writeFileSync(join(dir, name), bytes);
};
const flat = (name: string): string => qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', join(dir, name), '1M');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-foreign-'));
  flat('whole.vmdk');
  // qemu-img would open the FIFO and wait for a writer until its timeout.
  flat('on-fifo.vmdk');
  unlinkSync(join(dir, 'on-fifo-flat.vmdk'));
  execFileSync('mkfifo', [join(dir, 'on-fifo-flat.vmdk')]);
  flat('on-folder.vmdk');
  unlinkSync(join(dir, 'on-folder-flat.vmdk'));
  mkdirSync(join(dir, 'on-folder-flat.vmdk'));
  qemuImg('create', '-q', '-f', 'vmdk', join(dir, 'sparse.vmdk'), '1M');
  withEmbeddedDescriptor('embedded.vmdk', 'embedded-extent.raw');
  qemuImg('create', '-q', '-f', 'raw', join(dir, 'embedded-extent.raw'), '1M');
  withEmbeddedDescriptor('embedded-on-fifo.vmdk', 'embedded-fifo.raw');
  execFileSync('mkfifo', [join(dir, 'embedded-fifo.raw')]);
  flat('extent-gone.vmdk');
  unlinkSync(join(dir, 'extent-gone-flat.vmdk'));
  // A name no process argument can carry: made under another, renamed by bytes.
  qemuImg('create', '-q', '-f', 'vdi', join(dir, 'tmp.vdi'), '1M');
  renameSync(join(dir, 'tmp.vdi'), Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xfe]), Buffer.from('.vdi')]));

  // A qed overlay whose backing name is not UTF-8: made with a stand-in byte, then patched.
  qemuImg('create', '-q', '-f', 'qed', join(dir, 'baseX.qed'), '1M');
  qemuImg('create', '-q', '-f', 'qed', '-b', 'baseX.qed', '-F', 'qed', join(dir, 'over-odd-name.qed'), '1M');
  const overlay = readFileSync(join(dir, 'over-odd-name.qed'));
  overlay[overlay.indexOf('baseX.qed') + 4] = 0xfe;
  writeFileSync(join(dir, 'over-odd-name.qed'), overlay);
  renameSync(join(dir, 'baseX.qed'), Buffer.concat([Buffer.from(`${dir}/base`), Buffer.from([0xfe]), Buffer.from('.qed')]));

  const started = performance.now();
  forest = await scanPaths(new LocalHost(), [dir]);
  seconds = (performance.now() - started) / 1000;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a vmdk read through qemu-img', () => {
  it('is read whole when its extents are files', () => {
    expect(image(join(dir, 'whole.vmdk'))).toMatchObject({ format: 'vmdk', virtualSize: 1024 * 1024, problems: [] });
  });

  it('whose extent is a FIFO is a problem at once, without qemu-img waiting on it', () => {
    expect(seconds).toBeLessThan(3);
    expect(image(join(dir, 'on-fifo.vmdk')).problems).toEqual([
      {
        code: 'bad-extent',
        message: `The vmdk extent "on-fifo-flat.vmdk" (${join(dir, 'on-fifo-flat.vmdk')}) is a FIFO (named pipe), not a file: the image's data is not there, and qemu-img is not asked about it (it would wait on it).`,
        key: 'image.badExtent.notAFile',
        values: { name: 'on-fifo-flat.vmdk', path: join(dir, 'on-fifo-flat.vmdk'), kind: 'fifo' },
      },
    ]);
    expect(forest.skipped.map((entry) => entry.path)).toContain(join(dir, 'on-fifo-flat.vmdk'));
  });

  it('that is sparse is read whole: it is its own extent', () => {
    expect(image(join(dir, 'sparse.vmdk'))).toMatchObject({ format: 'vmdk', virtualSize: 1024 * 1024, problems: [] });
  });

  it('that is binary with capacity 0 has the extents of its embedded descriptor, as QEMU opens them', () => {
    expect(image(join(dir, 'embedded.vmdk'))).toMatchObject({ format: 'vmdk', virtualSize: 1024 * 1024, problems: [] });
    expect(image(join(dir, 'embedded-on-fifo.vmdk')).problems).toMatchObject([
      {
        code: 'bad-extent',
        message: `The vmdk extent "embedded-fifo.raw" (${join(dir, 'embedded-fifo.raw')}) is a FIFO (named pipe), not a file: the image's data is not there, and qemu-img is not asked about it (it would wait on it).`,
      },
    ]);
  });

  it('whose extent is a folder or gone says so', () => {
    expect(image(join(dir, 'on-folder.vmdk')).problems.map((problem) => problem.message)).toEqual([expect.stringContaining('is a folder, not a file')]);
    expect(image(join(dir, 'extent-gone.vmdk')).problems.map((problem) => problem.message)).toEqual([expect.stringContaining('"extent-gone-flat.vmdk"')]);
    expect(image(join(dir, 'extent-gone.vmdk')).problems[0]?.message).toContain('does not exist');
  });
});

describe('an image whose name is not UTF-8, in a format only qemu-img reads', () => {
  it('says qemu-img cannot be given the name, instead of handing it a mangled one', () => {
    const named = image(`${dir}/\udcfe.vdi`);
    expect(named.format).toBe('vdi');
    expect(named.problems.map((problem) => problem.code)).toEqual(['unreadable']);
    expect(named.problems[0]?.message).toContain("qemu-img cannot be given this file's name");
    // The kernel takes any bytes as an argument: it is Node's spawn that passes text only.
    expect(named.problems[0]?.message).toContain('through Node.js, which passes arguments only as UTF-8 text');
  });
});

describe('an overlay whose backing name qemu-img reports with bytes that are not UTF-8', () => {
  it('says the name cannot be read exactly, not that the backing file is missing', () => {
    // qemu-img's JSON has "base\ufffd.qed"; the file is base\xfe.qed, right beside it.
    expect(image(`${dir}/base\udcfe.qed`).format).toBe('qed');
    const overlay = image(join(dir, 'over-odd-name.qed'));
    expect(overlay.backing).toMatchObject({ name: 'base\ufffd.qed', exists: false, image: null });
    expect(overlay.problems.map((problem) => problem.code)).toEqual(['inexact-backing-name']);
    expect(overlay.problems[0]?.message).toContain('Snaptree cannot tell which file it is');
  });
});

describe('a vmdk reached only as a backing file, outside the folders scanned', () => {
  it('is read through qemu-img like one in them: its size, and its own backing file, which is read too', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'snaptree-foreign-outside-'));
    try {
      mkdirSync(join(outside, 'store'));
      mkdirSync(join(outside, 'vm'));
      qemuImg('create', '-q', '-f', 'vmdk', join(outside, 'store', 'grand.vmdk'), '16M');
      qemuImg('create', '-q', '-f', 'vmdk', '-b', 'grand.vmdk', '-F', 'vmdk', join(outside, 'store', 'parent.vmdk'));
      qemuImg('create', '-q', '-f', 'qcow2', '-b', '../store/parent.vmdk', '-F', 'vmdk', join(outside, 'vm', 'top.qcow2'));
      const scanned = await scanPaths(new LocalHost(), [join(outside, 'vm')]);
      const parent = scanned.images.find((candidate) => candidate.path.endsWith('/parent.vmdk'));
      expect(parent).toMatchObject({ format: 'vmdk', virtualSize: 16 << 20, folder: null, problems: [] });
      expect(parent!.backing).toMatchObject({ name: 'grand.vmdk', exists: true });
      expect(scanned.images.find((candidate) => candidate.path === parent!.backing!.image)).toMatchObject({ format: 'vmdk', virtualSize: 16 << 20 });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
