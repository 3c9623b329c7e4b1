import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/jobs/model.js';
import { createCore, type Core } from './core.js';
import { LocalHost } from './host/local.js';
import { QEMU_IMG } from './jobs/jobs.test-support.js';
import { guestBytes, trashed, write } from './jobs/merge.test-support.js';

let home: string;
let core: Core;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'snaptree-job-start-'));
  core = createCore(new LocalHost(), { mode: 'cli', configDir: join(home, 'config'), journalDir: join(home, 'jobs'), dataDir: join(home, 'data') });
});
afterEach(() => {
  core.close();
  rmSync(home, { recursive: true, force: true });
});

async function ended(id: string): Promise<Job> {
  for (;;) {
    const job = (await core.handlers.jobsList({})).jobs.find((candidate) => candidate.id === id)!;
    if (!['waiting', 'running'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a job queued behind another', () => {
  it('runs nothing when the job it waited for changed what its plan stands on: the same commit started twice folds the layer once', async () => {
    const images = join(home, 'images');
    execFileSync('mkdir', ['-p', images]);
    const base = join(images, 'base.qcow2');
    const top = join(images, 'top.qcow2');
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '1G']);
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', top]);
    write(base, 0x11, '0', '8M');
    // Enough for the commit to take a while: the second start comes while it runs.
    write(top, 0x22, '4M', '384M');
    const before = guestBytes(top, home);
    await core.handlers.foldersAdd({ path: images });

    // Shown twice (the window and the CLI, or a double click), both before either runs.
    const intent = { kind: 'commit', image: top } as const;
    const plan = await core.handlers.planMake({ intent });
    expect(plan.blockers).toEqual([]);
    const first = await core.handlers.jobStart({ intent, plan: plan.id });
    const second = await core.handlers.jobStart({ intent, plan: plan.id });
    if (!first.started || !second.started) throw new Error(`the plan changed before the second start: ${JSON.stringify([first.started, second.started ? null : second.plan.blockers])}`);
    expect(second.job.state).toBe('waiting');

    const [a, b] = [await ended(first.job.id), await ended(second.job.id)];
    expect(a.state).toBe('done');
    expect(b).toMatchObject({ state: 'cancelled', startedAt: null });
    expect(b.steps.every((step) => step.startedAt === null)).toBe(true);
    expect(b.left.map((said) => said.key)).toEqual(['jobs.left.changedWhileWaiting']);
    // What the guest read through the top layer it now reads from the base; the layer was trashed once.
    expect(guestBytes(base, home)).toBe(before);
    expect(existsSync(top)).toBe(false);
    expect(trashed(images)).toEqual(['top.qcow2']);
  }, 60_000);
});
