/**
 * A job found unfinished in the journal, its process gone (a crash, kill -9): which step
 * was running, each file it touched read again from its header, and what finishing or
 * undoing takes.
 */
import type { FileState, Job } from '../../../shared/jobs/model.js';
import { say } from '../../../shared/messages/problems.js';
import type { Plan } from '../../../shared/plans/plan.js';
import { readImage } from '../images/read.js';
import { withoutProcess, type JournalRecord } from './journal.js';
import { madeByLibvirt } from './steps.js';
import { standsAt, trashEntryOf } from './trash.js';

/** Header problems after which QEMU would not open the image as it was. */
const INVALID = new Set(['invalid-header', 'corrupt', 'truncated']);

export function touchedFiles(plan: Plan): string[] {
  return [...new Set([...plan.changes, ...plan.creates, ...plan.unused, ...plan.locks.files])];
}

export async function fileState(path: string, job: string): Promise<FileState> {
  const outcome = readImage(path);
  switch (outcome.kind) {
    case 'gone':
      return { path, state: (await trashEntryOf(path, job)) === null ? 'missing' : 'trashed', problem: null };
    case 'unreadable':
      return { path, state: 'unreadable', problem: outcome.problem };
    case 'not-a-file':
      return { path, state: 'invalid', problem: say('image.skipped.notAFile', { kind: outcome.what }) };
    case 'image': {
      const problem = outcome.image.readProblems.find((candidate) => INVALID.has(candidate.code));
      return problem === undefined ? { path, state: 'ok', problem: null } : { path, state: 'invalid', problem };
    }
  }
}

export async function interrupted(record: JournalRecord): Promise<Job> {
  const job = withoutProcess(record);
  const { plan } = job;
  const total = plan.steps.length;
  const running = job.steps.findIndex((step) => step.outcome === 'running');
  const firstPending = job.steps.findIndex((step) => step.outcome === 'pending');
  const ran = job.steps.some((step) => step.startedAt !== null);
  const left = [running >= 0 ? say('jobs.interrupted.running', { step: running + 1, total }) : ran ? say('jobs.interrupted.between', { step: firstPending < 0 ? total : firstPending, total }) : say('jobs.interrupted.waiting')];
  const files = await Promise.all(touchedFiles(plan).map((path) => fileState(path, job.id)));
  return { ...job, state: 'interrupted', left: [...job.left, ...left], files, recovery: ran ? await recoveryOf(job, running, firstPending) : null };
}

/**
 * What finishing or undoing takes, by the kind of step that was running: a half-made
 * file to move away, a rename into the trash that did or did not happen, a define that
 * is the old XML or the new, a purge to do again, or files written in part.
 */
async function recoveryOf(job: Job, running: number, firstPending: number): Promise<Job['recovery']> {
  const total = job.plan.steps.length;
  const step = running >= 0 ? job.plan.steps[running] : undefined;
  const rest = (from: number): Job['recovery'] => (from <= total ? say('jobs.recovery.rest', { from, total }) : null);
  if (step === undefined) return firstPending >= 0 ? rest(firstPending + 1) : null;
  const number = running + 1;
  switch (step.op) {
    case 'run': {
      for (const path of step.creates) if (await standsAt(path)) return say(madeByLibvirt(step) ? 'jobs.recovery.libvirtMade' : 'jobs.recovery.halfMade', { step: number, path });
      // Nothing it was making is there: it wrote only if it changes files that were there before.
      const writes = step.changes.filter((path) => !step.creates.includes(path));
      return writes.length > 0 ? say('jobs.recovery.inPart', { step: number }) : rest(number);
    }
    case 'trash':
      // The rename is all or nothing: the file is in the job's trash folder, or where it was.
      if ((await trashEntryOf(step.path, job.id)) === null) return rest(number);
      return number < total ? say('jobs.recovery.trashed', { step: number, path: step.path, from: number + 1, total }) : say('jobs.recovery.allDone', { step: number, path: step.path });
    case 'define':
      return say('jobs.recovery.define', { step: number, domain: step.domain.name });
    case 'purge':
      return say('jobs.recovery.purge', { step: number, folder: step.folder });
    case 'restore':
      return say('jobs.recovery.restore', { step: number, domain: step.domain.name, path: step.memoryFile });
    case 'mark-folded':
      // Metadata only: no file changed; the folds before it are done, so an unmarked record must go.
      return say('jobs.recovery.mark', { step: number, snapshot: step.snapshot, domain: step.domain.name });
  }
}
