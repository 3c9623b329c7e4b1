import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalHost } from './host/local.js';
import { QEMU_IMG } from './jobs/jobs.test-support.js';
import { write } from './jobs/guest-data.test-support.js';
import { Workspace } from './workspace.js';

let dir: string;
let workspace: Workspace;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-workspace-'));
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', join(dir, 'base.qcow2'), '64M']);
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', join(dir, 'top.qcow2')]);
  workspace = new Workspace(new LocalHost(), { forestChanged: () => undefined, inventoryChanged: () => undefined });
  await workspace.start([dir], []);
});
afterEach(() => {
  workspace.close();
  rmSync(dir, { recursive: true, force: true });
});

const top = () => join(dir, 'top.qcow2');

describe('the view read again before a job starts', () => {
  it('is the view already linked, image for image, when the files read again say what the scan said', async () => {
    const shown = await workspace.view();
    const fresh = await workspace.freshFor([top(), join(dir, 'base.qcow2')], []);
    expect(fresh.connections).toBe(shown.connections);
    expect(fresh.images.every((image, index) => image === shown.images[index])).toBe(true);
  });

  it('says a header changed since the scan, before the folder watch has told of it', async () => {
    const shown = await workspace.view();
    // Within the watch's settling time: the forest still holds the old header.
    execFileSync(QEMU_IMG, ['resize', '-q', '-f', 'qcow2', '--', top(), '128M']);
    const fresh = await workspace.freshFor([top()], []);
    expect(fresh).not.toBe(shown);
    expect(fresh.images.find((image) => image.path === top())?.virtualSize).toBe(128 * 1024 * 1024);
    expect(shown.images.find((image) => image.path === top())?.virtualSize).toBe(64 * 1024 * 1024);
  });

  it('takes the sizes read now, as a merge that weighs free space needs them', async () => {
    const shown = await workspace.view();
    write(top(), 0x33, '0', '16M');
    const fresh = await workspace.freshFor([top()], []);
    const size = (view: typeof shown) => view.images.find((image) => image.path === top())!.actualSize;
    expect(size(fresh)).toBeGreaterThan(size(shown) + 15 * 1024 * 1024);
  });

  it('is linked again when a symlink the scan followed now leads to another file with the same header', async () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    for (const name of ['a.qcow2', 'b.qcow2']) execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', join(elsewhere, name), '64M']);
    const link = join(dir, 'disk.qcow2');
    symlinkSync(join(elsewhere, 'a.qcow2'), link);
    await workspace.rescan();
    const shown = await workspace.view();
    const same = await workspace.freshFor([link], []);
    expect(same.images.every((image, index) => image === shown.images[index])).toBe(true);
    rmSync(link);
    symlinkSync(join(elsewhere, 'b.qcow2'), link);
    const moved = await workspace.freshFor([link], []);
    expect(moved.images.every((image, index) => image === shown.images[index])).toBe(false);
    // And every read after it: the view linked before the move is not taken again.
    const again = await workspace.freshFor([link], []);
    expect(again.images.every((image, index) => image === shown.images[index])).toBe(false);
    const view = await workspace.view();
    expect(view.images.every((image, index) => image === shown.images[index])).toBe(false);
  });

  it('leaves out a file gone since the scan', async () => {
    await workspace.view();
    rmSync(top());
    const fresh = await workspace.freshFor([top()], []);
    expect(fresh.images.map((image) => image.path)).toEqual([join(dir, 'base.qcow2')]);
  });
});
