import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertStep, ENDED, MiB, opens, planOf, rawWithData, watchedJobs } from './jobs.test-support.js';
import { trashPathOf } from './trash.js';

let dir: string;
let small: string;
/** Why the test cannot run here, or null: mounting needs root (as in CI). */
let cannotMount: string | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snaptree-full-'));
  small = join(dir, 'small');
  await mkdir(small);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'snaptree-test', small], { stdio: 'pipe' });
  } catch (error) {
    cannotMount = `mount -t tmpfs is not permitted here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
});
afterAll(async () => {
  if (cannotMount === null) execFileSync('umount', [small]);
  await rm(dir, { recursive: true, force: true });
});

describe('a full disk (ENOSPC) mid-convert', () => {
  it("fails with qemu-img's words, leaves the source whole and the half-made file in the trash", async (context) => {
    if (cannotMount !== null) context.skip(cannotMount);
    const source = join(dir, 'disk.raw');
    const target = join(small, 'disk.qcow2');
    rawWithData(source, 24 * MiB);
    const before = readFileSync(source);
    const watched = watchedJobs(join(dir, 'state'));
    const job = await watched.jobs.start(planOf([convertStep(source, target)]));
    const failed = await watched.until(job.id, ENDED);

    expect(failed.state).toBe('failed');
    expect(failed.steps[0]!.error?.message).toMatch(/^\/usr\/bin\/qemu-img failed with exit code 1: .*No space left on device/);
    expect(readFileSync(source).equals(before)).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(failed.left.map((said) => said.key)).toEqual(['jobs.left.failedAt', 'jobs.left.partialTrashed']);
    expect(existsSync(trashPathOf(target, job.id))).toBe(true);
    expect(opens(source)).toBe(true);
  });
});
