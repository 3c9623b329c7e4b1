import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalHost } from '../host/local.js';
import { qemuImg, unreadableFolder } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

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

describe('the trash folder beside images', () => {
  it('is not walked: what jobs moved there is in the Trash tab, not in the forest', async () => {
    const trashed = join(vm, '.snaptree-trash', 'job-1');
    mkdirSync(trashed, { recursive: true });
    qemuImg('create', '-q', '-f', 'qcow2', join(trashed, 'old.qcow2'), '1M');
    const forest = await scanPaths(new LocalHost(), [vm]);
    expect(forest.images.map((image) => image.path)).toEqual([join(vm, 'visible.qcow2')]);
  });
});

/** A subfolder the scan cannot read is named in the forest's errors; its siblings are still shown. */
describe('an unreadable subfolder', () => {
  it.skipIf(isRoot)('without permission is reported, not skipped in silence', async () => {
    const locked = join(vm, 'locked');
    mkdirSync(locked);
    qemuImg('create', '-q', '-f', 'qcow2', join(locked, 'hidden.qcow2'), '1M');
    chmodSync(locked, 0o000);
    try {
      const forest = await scanPaths(new LocalHost(), [vm]);
      expect(forest.images.map((image) => image.path)).toEqual([join(vm, 'visible.qcow2')]);
      expect(forest.errors).toEqual([
        {
          path: locked,
          message: 'This folder cannot be read: permission denied (EACCES). Its images are not shown.',
          key: 'image.watchedPath.folderUnreadable',
          values: { errno: 'EACCES' },
        },
      ]);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
  if (isRoot) console.log('Skipped the permission test: root reads a folder of mode 000 all the same.');

  it('whose path is too long for the system is reported, also as root', async () => {
    const tooLong = unreadableFolder(root, vm);

    const forest = await scanPaths(new LocalHost(), [vm]);
    expect(forest.images.map((image) => image.path)).toEqual([join(vm, 'visible.qcow2')]);
    expect(forest.errors).toEqual([
      {
        path: tooLong,
        message: 'This folder cannot be read: the path is too long (ENAMETOOLONG). Its images are not shown.',
        key: 'image.watchedPath.folderUnreadable',
        values: { errno: 'ENAMETOOLONG' },
      },
    ]);
  });
});

describe('entries that are not image files', () => {
  it('are listed as skipped, each with what it is, and the scan does not wait on a FIFO', async () => {
    execFileSync('mkfifo', [join(vm, 'pipe.qcow2')]);
    symlinkSync('pipe.qcow2', join(vm, 'to-pipe.qcow2'));
    symlinkSync('nowhere.qcow2', join(vm, 'dangling.qcow2'));
    symlinkSync('loop-b.qcow2', join(vm, 'loop-a.qcow2'));
    symlinkSync('loop-a.qcow2', join(vm, 'loop-b.qcow2'));
    symlinkSync('/dev/null', join(vm, 'null.img'));
    symlinkSync('.', join(vm, 'here'));

    const forest = await scanPaths(new LocalHost(), [vm]);
    expect(forest.images.map((image) => image.path)).toEqual([join(vm, 'visible.qcow2')]);
    expect(forest.errors).toEqual([]);
    expect(forest.skipped).toEqual([
      { path: join(vm, 'dangling.qcow2'), reason: 'a dangling symbolic link: its target does not exist', key: 'image.skipped.danglingLink', values: {} },
      { path: join(vm, 'here'), reason: `a folder already scanned as ${vm} (a link loop or a second way to it)`, key: 'image.skipped.folderAgain', values: { first: vm } },
      { path: join(vm, 'loop-a.qcow2'), reason: 'a symbolic link loop: the links lead back to each other (ELOOP)', key: 'image.skipped.linkLoop', values: {} },
      { path: join(vm, 'loop-b.qcow2'), reason: 'a symbolic link loop: the links lead back to each other (ELOOP)', key: 'image.skipped.linkLoop', values: {} },
      { path: join(vm, 'null.img'), reason: 'a symbolic link to a character device, not an image file', key: 'image.skipped.linkNotAFile', values: { kind: 'characterDevice' } },
      { path: join(vm, 'pipe.qcow2'), reason: 'a FIFO (named pipe), not an image file', key: 'image.skipped.notAFile', values: { kind: 'fifo' } },
      { path: join(vm, 'to-pipe.qcow2'), reason: 'a symbolic link to a FIFO (named pipe), not an image file', key: 'image.skipped.linkNotAFile', values: { kind: 'fifo' } },

    ]);
  });

  it('given to the scan itself is named for what it is', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const forest = await scanPaths(new LocalHost(), [join(root, 'pipe'), '/dev/null']);
    expect(forest.errors).toEqual([
      { path: join(root, 'pipe'), message: 'This path is a FIFO (named pipe), not a folder or an image file.', key: 'image.watchedPath.notAFolder', values: { kind: 'fifo' } },
      { path: '/dev/null', message: 'This path is a character device, not a folder or an image file.', key: 'image.watchedPath.notAFolder', values: { kind: 'characterDevice' } },
    ]);
  });
});

/** `vm/` and then the given bytes: a path no process argument can name. */
const bytesInVm = (...parts: Array<string | number>): Buffer =>
  Buffer.concat([Buffer.from(`${vm}/`), ...parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from([part])))]);

/** Puts `byte` where `placeholder` is in a qcow2 header's backing file name. */
function patchBackingName(path: string, placeholder: string, byte: number): void {
  const fd = openSync(path, 'r+');
  try {
    const header = Buffer.alloc(20);
    readSync(fd, header, 0, 20, 0);
    const offset = Number(header.readBigUInt64BE(8));
    const name = Buffer.alloc(header.readUInt32BE(16));
    readSync(fd, name, 0, name.length, offset);
    writeSync(fd, Buffer.from([byte]), 0, 1, offset + name.indexOf(placeholder));
  } finally {
    closeSync(fd);
  }
}

describe('a file name that is not UTF-8', () => {
  it('is found, and its path keeps the byte as a lone surrogate', async () => {
    // qemu-img cannot be given such a name either: made under another name, then renamed by bytes.
    qemuImg('create', '-q', '-f', 'qcow2', join(vm, 'tmp.qcow2'), '1M');
    renameSync(join(vm, 'tmp.qcow2'), Buffer.concat([Buffer.from(`${vm}/`), Buffer.from([0xff]), Buffer.from('.qcow2')]));

    const forest = await scanPaths(new LocalHost(), [vm]);
    const named = forest.images.find((image) => image.path === `${vm}/\udcff.qcow2`);
    expect(named).toMatchObject({ format: 'qcow2', virtualSize: 1024 * 1024, problems: [] });
    expect(JSON.stringify(named?.path)).toBe(JSON.stringify(`${vm}/`).slice(0, -1) + '\\udcff.qcow2"');
  });

  it('names its backing file by the same bytes, and the two are linked', async () => {
    // base-\xfe.qcow2 below \xff.qcow2, both named and linked by bytes that are not UTF-8.
    qemuImg('create', '-q', '-f', 'qcow2', join(vm, 'base.qcow2'), '1M');
    renameSync(join(vm, 'base.qcow2'), bytesInVm('base-', 0xfe, '.qcow2'));
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'base-#.qcow2', '-F', 'qcow2', join(vm, 'top.qcow2'), '1M');
    patchBackingName(join(vm, 'top.qcow2'), '#', 0xfe);
    renameSync(join(vm, 'top.qcow2'), bytesInVm(0xff, '.qcow2'));

    const forest = await scanPaths(new LocalHost(), [vm]);
    const top = forest.images.find((image) => image.path === `${vm}/\udcff.qcow2`);
    expect(top).toMatchObject({ backing: { name: 'base-\udcfe.qcow2', exists: true, image: `${vm}/base-\udcfe.qcow2` }, problems: [] });
    expect(forest.images.find((image) => image.path === `${vm}/base-\udcfe.qcow2`)).toMatchObject({ format: 'qcow2', problems: [] });
  });
});
