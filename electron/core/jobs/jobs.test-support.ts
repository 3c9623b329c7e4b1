/**
 * Plans made by hand for the runner's tests (the planners are tested on their own), with
 * the project's argv builders, and a Jobs whose events a test can wait on.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Job } from '../../../shared/jobs/model.js';
import { Plan, type StepInput } from '../../../shared/plans/plan.js';
import { convertArgv } from '../../../shared/qemu-img/convert.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { createJobs, type Jobs, type JobsOptions } from './jobs.js';

export const QEMU_IMG = '/usr/bin/qemu-img';
export const MiB = 1024 * 1024;

const sentence = (message: string) => ({ key: 'test.step', values: {}, message });

/** A plan of the given steps: what they change and create is what the plan says it changes, creates and locks. */
export function planOf(steps: readonly StepInput[], extra: { bytes?: number; unused?: string[]; lockFiles?: string[] } = {}): Plan {
  const changes = [...new Set(steps.flatMap((step) => step.changes))];
  const creates = [...new Set(steps.flatMap((step) => (step.op === 'run' ? step.creates : [])))];
  return Plan.parse({
    id: randomBytes(8).toString('hex'),
    // The runner never looks at the intent: it runs the steps.
    intent: { kind: 'trash-empty' },
    title: sentence('a test plan'),
    steps,
    changes,
    creates,
    unused: extra.unused ?? [],
    bytes: extra.bytes ?? 0,
    lost: [],
    warnings: [],
    blockers: [],
    cancel: sentence('a cancel leaves the half-made file in the trash'),
    locks: { files: extra.lockFiles ?? [], domains: [] },
  });
}

/** `qemu-img convert -p` of a raw file into a new qcow2, slowed to `rate` bytes/s where a test needs time to act. */
export function convertStep(source: string, target: string, options: { rate?: string } = {}): Extract<StepInput, { op: 'run' }> {
  const argv = [...convertArgv(QEMU_IMG, source, 'raw', target, 'qcow2')];
  if (options.rate !== undefined) argv.splice(2, 0, '-r', options.rate);
  return { op: 'run', says: sentence(`convert ${source}`), changes: [target], argv: argv as [string, ...string[]], creates: [target], progress: 'qemu-img', cancel: 'sigint' };
}

/** A raw image of random bytes: data everywhere, so that a copy has work to do and a compare has something to find. */
export function rawWithData(path: string, bytes: number): void {
  writeFileSync(path, randomBytes(bytes));
}

/** `qemu-img compare`: exit 0 when the guest sees the same bytes in both. */
export function sameGuestBytes(a: string, b: string): boolean {
  try {
    execFileSync(QEMU_IMG, ['compare', '-q', '--', a, b], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function opens(path: string): boolean {
  try {
    execFileSync(QEMU_IMG, ['info', '-U', '--', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Watched {
  readonly jobs: Jobs;
  /** Every jobChanged, with when it came. */
  readonly events: { job: Job; at: number }[];
  readonly trashChanges: number[];
  readonly worldChanges: number[];
  /** Settles when the job is in one of the states. */
  until(id: string, states: readonly Job['state'][]): Promise<Job>;
}

export function watchedJobs(journalDir: string, host: Host = new LocalHost(), options: Pick<JobsOptions, 'followOthers' | 'jobGone'> = {}): Watched {
  const events: Watched['events'] = [];
  const waits: { id: string; states: readonly Job['state'][]; resolve: (job: Job) => void }[] = [];
  const trashChanges: number[] = [];
  const worldChanges: number[] = [];
  const jobs = createJobs(host, {
    journalDir,
    jobChanged: (job) => {
      events.push({ job, at: Date.now() });
      for (const wait of waits.filter((candidate) => candidate.id === job.id && candidate.states.includes(job.state))) {
        waits.splice(waits.indexOf(wait), 1);
        wait.resolve(job);
      }
    },
    trashChanged: () => trashChanges.push(Date.now()),
    changedWorld: () => worldChanges.push(Date.now()),
    ...options,
  });
  return {
    jobs,
    events,
    trashChanges,
    worldChanges,
    until: (id, states) => {
      const seen = events.findLast((event) => event.job.id === id && states.includes(event.job.state));
      return seen ? Promise.resolve(seen.job) : new Promise((resolve) => waits.push({ id, states, resolve }));
    },
  };
}

export const ENDED: readonly Job['state'][] = ['done', 'failed', 'cancelled'];

/** Polls until the condition holds (a job's progress, read from its events). */
export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
