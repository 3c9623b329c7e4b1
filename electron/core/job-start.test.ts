import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from './core.js';
import { jobEnded } from './core.test-support.js';
import { LocalHost } from './host/local.js';
import { QEMU_IMG } from './jobs/jobs.test-support.js';
import { guestBytes, trashed, write } from './jobs/guest-data.test-support.js';

let home: string;
let core: Core;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'snaptree-job-start-'));
  core = createCore(new LocalHost(), { mode: 'cli', configDir: join(home, 'config'), journalDir: join(home, 'jobs'), dataDir: join(home, 'data') });
});
afterEach(async () => {
  // A job the test left running would write its record into the folder after it is removed, making it again.
  await core.cancelJobs();
  core.close();
  rmSync(home, { recursive: true, force: true });
});

/** base <- top in a watched folder, the top holding enough data for a job on it to take a while. */
async function watchedChain(): Promise<{ images: string; base: string; top: string }> {
  const images = join(home, 'images');
  mkdirSync(images);
  const base = join(images, 'base.qcow2');
  const top = join(images, 'top.qcow2');
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '1G']);
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', top]);
  write(base, 0x11, '0', '8M');
  write(top, 0x22, '4M', '384M');
  await core.handlers.foldersAdd({ path: images });
  // As the window plans: on a view with libvirt read (an unread connection adds a warning).
  while (!(await core.handlers.inventoryGet({})).connections.every((connection) => connection.reachable || connection.error !== null)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { images, base, top };
}

describe('a job queued behind another', () => {
  it('runs nothing when the job it waited for changed what its plan stands on: the same commit started twice folds the layer once', async () => {
    const { images, base, top } = await watchedChain();
    const before = guestBytes(top, home);

    // Shown twice (the window and the CLI, or a double click), both before either runs.
    const intent = { kind: 'commit', image: top } as const;
    const plan = await core.handlers.planMake({ intent });
    expect(plan.blockers).toEqual([]);
    const first = await core.handlers.jobStart({ intent, plan: plan.id });
    const second = await core.handlers.jobStart({ intent, plan: plan.id });
    if (!first.started || !second.started) throw new Error(`the plan changed before the second start: ${JSON.stringify([first.started, second.started ? null : second.plan.blockers])}`);
    expect(second.job.state).toBe('waiting');

    const [a, b] = [await jobEnded(core, first.job.id), await jobEnded(core, second.job.id)];
    expect(a.state).toBe('done');
    expect(b).toMatchObject({ state: 'cancelled', startedAt: null });
    expect(b.steps.every((step) => step.startedAt === null)).toBe(true);
    expect(b.left.map((said) => said.key)).toEqual(['jobs.left.changedWhileWaiting']);
    // What the guest read through the top layer it now reads from the base; the layer was trashed once.
    expect(guestBytes(base, home)).toBe(before);
    expect(existsSync(top)).toBe(false);
    expect(trashed(images)).toEqual(['top.qcow2']);
  }, 60_000);

  it('is refused once it may run when a QEMU outside libvirt opened its file while it waited, though its own lock was on that file', async () => {
    const { images, base, top } = await watchedChain();
    const baseBytes = guestBytes(base, home);
    const copy = { kind: 'convert', image: top, path: join(images, 'copy.qcow2') } as const;
    const commit = { kind: 'commit', image: top } as const;
    const [copyPlan, commitPlan] = [await core.handlers.planMake({ intent: copy }), await core.handlers.planMake({ intent: commit })];
    // Another program opens the top layer for reading, as a QEMU that libvirt does not run would.
    const reader = spawn('qemu-io', ['-r', '-f', 'qcow2', '--', top], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const first = await core.handlers.jobStart({ intent: copy, plan: copyPlan.id });
      // While the copy holds the file, the reader's lock cannot be told from the copy's own:
      // the commit waits, and is checked again once the copy is done.
      const second = await core.handlers.jobStart({ intent: commit, plan: commitPlan.id });
      if (!first.started || !second.started) throw new Error(`a plan changed before it started: ${JSON.stringify([first.started ? null : first.plan.blockers, second.started ? null : second.plan.blockers])}`);
      expect(second.job.state).toBe('waiting');
      expect((await jobEnded(core, first.job.id)).state).toBe('done');
      const refused = await jobEnded(core, second.job.id);
      expect(refused).toMatchObject({ state: 'cancelled', startedAt: null });
      expect(refused.left.map((said) => said.key)).toEqual(['jobs.left.changedWhileWaiting']);
    } finally {
      reader.kill();
    }
    expect(existsSync(top)).toBe(true);
    expect(guestBytes(base, home)).toBe(baseBytes);
    expect(trashed(images)).toEqual([]);
  }, 60_000);
});
