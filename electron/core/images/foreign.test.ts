import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
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
  flat('extent-gone.vmdk');
  unlinkSync(join(dir, 'extent-gone-flat.vmdk'));
  // A name no process argument can carry: made under another, renamed by bytes.
  qemuImg('create', '-q', '-f', 'vdi', join(dir, 'tmp.vdi'), '1M');
  renameSync(join(dir, 'tmp.vdi'), Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xfe]), Buffer.from('.vdi')]));

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
  });
});
