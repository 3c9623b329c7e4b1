import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { qemuImg } from './corpus.test-support.js';
import { FolderWatcher } from './watch.js';

let root: string;
let vm: string;
let watcher: FolderWatcher;
let rescans: number;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the watcher asked for a rescan, or gives up after `ms`. */
async function rescanWithin(ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (rescans > 0) return true;
    await sleep(50);
  }
  return rescans > 0;
}

/** A guest writing into its disk, through QEMU's own qcow2 driver. */
const guestWrites = (image: string, offset: string): string => execFileSync('qemu-io', ['-c', `write -P 0x5a ${offset} 64k`, image], { encoding: 'utf8' });

/** The first write rescans: it only shows the watcher the header as it is, with none to compare. */
async function firstWrite(): Promise<void> {
  guestWrites(join(vm, 'disk.qcow2'), '0');
  expect(await rescanWithin(2000)).toBe(true);
  rescans = 0;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'snaptree-watch-'));
  vm = join(root, 'watched-folder-of-disk-images');
  mkdirSync(vm);
  qemuImg('create', '-q', '-f', 'qcow2', join(vm, 'disk.qcow2'), '64M');
  rescans = 0;
  watcher = new FolderWatcher(() => rescans++);
  watcher.watch([vm]);
});
afterEach(() => {
  watcher.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the folder watcher', () => {
  it('does not rescan while a running guest writes into its disk', async () => {
    await firstWrite();
    for (const offset of ['1M', '2M', '3M']) {
      guestWrites(join(vm, 'disk.qcow2'), offset);
      await sleep(600);
    }
    expect(rescans).toBe(0);
  });

  it('rescans when a header changes in place: an internal snapshot', async () => {
    await firstWrite();
    qemuImg('snapshot', '-c', 'before-upgrade', join(vm, 'disk.qcow2'));
    expect(await rescanWithin(2000)).toBe(true);
  });

  it('rescans when a raw image is resized in place, but not when a guest writes into it', async () => {
    const raw = join(vm, 'data.img');
    qemuImg('create', '-q', '-f', 'raw', raw, '8M');
    expect(await rescanWithin(2000)).toBe(true);
    const write = () => execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5a 1M 64k', raw], { encoding: 'utf8' });
    write();
    await sleep(600);
    rescans = 0;
    write();
    await sleep(600);
    expect(rescans).toBe(0);
    // Its virtual size is its length: a resize is what the scan shows.
    qemuImg('resize', '-q', '-f', 'raw', raw, '16M');
    expect(await rescanWithin(2000)).toBe(true);
  });

  it('rescans for an overlay made in a terminal, even while a guest keeps writing', async () => {
    const writing = setInterval(() => guestWrites(join(vm, 'disk.qcow2'), '1M'), 50);
    try {
      await sleep(600);
      rescans = 0;
      qemuImg('create', '-q', '-f', 'qcow2', '-b', 'disk.qcow2', '-F', 'qcow2', join(vm, 'made-in-terminal.qcow2'));
      expect(await rescanWithin(2000)).toBe(true);
    } finally {
      clearInterval(writing);
    }
  });

  it('keeps watching after its watcher failed', async () => {
    // A tree moved in whose deepest folder's path becomes longer than PATH_MAX: Node's
    // recursive watcher cannot stat it and emits 'error'.
    let deepest = join(root, 'moved');
    mkdirSync(deepest);
    while (deepest.length < 3900) {
      deepest = join(deepest, 'd'.repeat(200));
      mkdirSync(deepest);
    }
    mkdirSync(join(deepest, 'x'.repeat(4090 - deepest.length)));
    renameSync(join(root, 'moved'), join(vm, 'moved'));
    try {
      await sleep(2000);
      rescans = 0;
      qemuImg('create', '-q', '-f', 'qcow2', '-b', 'disk.qcow2', '-F', 'qcow2', join(vm, 'after-the-failure.qcow2'));
      expect(await rescanWithin(3000)).toBe(true);
    } finally {
      // Moved back out, where its paths are short enough to remove.
      renameSync(join(vm, 'moved'), join(root, 'moved'));
    }
  });
});
