import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalHost } from '../host/local.js';
import { qemuImg, unreadableFolder } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

/** A subfolder the scan cannot read is named in the forest's errors; its siblings are still shown. */
let root: string;
let vm: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'snaptree-walk-'));
  vm = join(root, 'vm');
  mkdirSync(vm);
  qemuImg('create', '-q', '-f', 'qcow2', join(vm, 'visible.qcow2'), '1M');
});
afterEach(() => {
  chmodSync(root, 0o700);
  rmSync(root, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

describe('an unreadable subfolder', () => {
  it.skipIf(isRoot)('without permission is reported, not skipped in silence', async () => {
    const locked = join(vm, 'locked');
    mkdirSync(locked);
    qemuImg('create', '-q', '-f', 'qcow2', join(locked, 'hidden.qcow2'), '1M');
    chmodSync(locked, 0o000);
    try {
      const forest = await scanPaths(new LocalHost(), [vm]);
      expect(forest.images.map((image) => image.path)).toEqual([join(vm, 'visible.qcow2')]);
      expect(forest.errors).toEqual([{ path: locked, message: 'This folder cannot be read: permission denied (EACCES). Its images are not shown.' }]);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
  if (isRoot) console.log('Skipped the permission test: root reads a folder of mode 000 all the same.');

  it('whose path is too long for the system is reported, also as root', async () => {
    const tooLong = unreadableFolder(root, vm);

    const forest = await scanPaths(new LocalHost(), [vm]);
    expect(forest.images.map((image) => image.path)).toEqual([join(vm, 'visible.qcow2')]);
    expect(forest.errors).toEqual([{ path: tooLong, message: 'This folder cannot be read: the path is too long (ENAMETOOLONG). Its images are not shown.' }]);
  });
});
