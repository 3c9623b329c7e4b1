import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest, Image } from '../../../shared/images/model.js';
import { LocalHost } from '../host/local.js';
import { qemuImg } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

/**
 * Images Snaptree may not read, as a user who is not their owner meets them: mode 600.
 * Root reads them all the same, so as root the scan runs as `nobody`, through the real
 * `snaptree scan` command.
 */
const isRoot = process.getuid?.() === 0;
const bin = fileURLToPath(new URL('../../../bin/snaptree.js', import.meta.url));

let dir: string;
let images: Image[];
let skipped: Forest['skipped'];
const image = (name: string): Image => {
  const found = images.find((candidate) => candidate.path === join(dir, name));
  if (!found) throw new Error(`${name} was not in the forest`);
  return found;
};

async function scanAsAnotherUser(folder: string): Promise<Pick<Forest, 'images' | 'skipped'>> {
  // Built as root first: `nobody` may not write the build.
  execFileSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
  const asNobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, bin, 'scan', folder, '--json'];
  const { stdout } = await promisify(execFile)('setpriv', asNobody, { env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  return JSON.parse(stdout) as Pick<Forest, 'images' | 'skipped'>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-unreadable-'));
  chmodSync(dir, 0o755);
  qemuImg('create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '16M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(dir, 'top.qcow2'));
  writeFileSync(join(dir, 'empty.img'), '');
  // Names that do not say disk image: one is a backing file all the same.
  qemuImg('create', '-q', '-f', 'qcow2', join(dir, 'base.bin'), '16M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.bin', '-F', 'qcow2', join(dir, 'on-bin.qcow2'));
  writeFileSync(join(dir, 'private.log'), 'not an image\n');
  // Its owner reads a file of mode 600: as root, nobody is another user; else no one may.
  for (const name of ['base.qcow2', 'empty.img', 'base.bin', 'private.log']) chmodSync(join(dir, name), isRoot ? 0o600 : 0o000);
  ({ images, skipped } = isRoot ? await scanAsAnotherUser(dir) : await scanPaths(new LocalHost(), [dir]));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an image Snaptree may not read', () => {
  it('is unreadable, of unknown format, with its size on disk: not a raw image, not an empty file', () => {
    expect(image('base.qcow2')).toMatchObject({ format: 'unknown', virtualSize: null, backing: null });
    expect(image('base.qcow2').actualSize).toBeGreaterThan(0);
    expect(image('base.qcow2').problems).toEqual([
      { code: 'unreadable', message: 'Snaptree may not read this file: permission denied (EACCES). Check its permissions.', key: 'image.unreadable.denied', values: { errno: 'EACCES' } },
    ]);
    expect(image('empty.img').problems.map((problem) => problem.code)).toEqual(['unreadable']);
  });

  it('is still its overlay\'s backing file, and the overlay gets no format mismatch', () => {
    expect(image('top.qcow2')).toMatchObject({ backing: { exists: true, image: join(dir, 'base.qcow2'), format: 'qcow2' }, problems: [] });
  });
});

describe('an unreadable file whose name does not say disk image', () => {
  it('is skipped, named, when nothing uses it', () => {
    expect(skipped.map((entry) => entry.path)).toContain(join(dir, 'private.log'));
    expect(images.map((candidate) => candidate.path)).not.toContain(join(dir, 'private.log'));
  });

  it('is in the forest once, in its folder, when an image names it as its backing file, and not skipped', () => {
    expect(images.filter((candidate) => candidate.path === join(dir, 'base.bin'))).toEqual([
      expect.objectContaining({ folder: dir, format: 'unknown', problems: [expect.objectContaining({ code: 'unreadable' })] }),
    ]);
    expect(skipped.map((entry) => entry.path)).not.toContain(join(dir, 'base.bin'));
    expect(image('on-bin.qcow2').backing).toMatchObject({ exists: true, image: join(dir, 'base.bin') });
  });
});
