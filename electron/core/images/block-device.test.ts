import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest } from '../../../shared/images/model.js';
import { LocalHost } from '../host/local.js';
import { scanPaths } from './scan.js';

/**
 * Overlays on block devices (LVM volumes, here loop devices over files of the test's
 * own): fstat gives a block device no length, so a naive reader calls it empty.
 */
let dir: string;
const devices: string[] = [];
let forest: Forest;

function attach(file: string): string | null {
  try {
    return execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not root, or no loop devices here
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-block-'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'raw-volume'), '64M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'qcow2-volume'), '64M']);
  for (const file of ['raw-volume', 'qcow2-volume']) {
    const device = attach(join(dir, file));
    if (device) devices.push(device);
  }
  if (devices.length < 2) return;
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', devices[1]!, '32M']);
  mkdirSync(join(dir, 'overlays'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', devices[0]!, '-F', 'raw', join(dir, 'overlays', 'on-raw-volume.qcow2')]);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', devices[1]!, '-F', 'qcow2', join(dir, 'overlays', 'on-qcow2-volume.qcow2')]);
  forest = await scanPaths(new LocalHost(), [join(dir, 'overlays')]);
});

afterAll(() => {
  for (const device of devices) execFileSync('losetup', ['--detach', device]);
  rmSync(dir, { recursive: true, force: true });
});

describe('backing files on block devices', () => {
  it('are found, with their real size and format', (context) => {
    if (devices.length < 2) context.skip();
    const image = (path: string) => forest.images.find((candidate) => candidate.path === path);
    expect(image(join(dir, 'overlays', 'on-raw-volume.qcow2'))).toMatchObject({ backing: { exists: true, image: devices[0] }, problems: [] });
    expect(image(devices[0]!)).toMatchObject({ format: 'raw', virtualSize: 64 * 1024 * 1024, problems: [] });
    expect(image(join(dir, 'overlays', 'on-qcow2-volume.qcow2'))).toMatchObject({ backing: { exists: true, image: devices[1] }, problems: [] });
    expect(image(devices[1]!)).toMatchObject({ format: 'qcow2', virtualSize: 32 * 1024 * 1024, problems: [] });
  });
});
