/**
 * The jobs of this core: each runs one Plan's steps in order through the host runner,
 * holding a lock on every file and domain it touches, journaled before and after every
 * step, cancellable; and the trash its steps fill.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job, StepRecord, TrashEntry } from '../../../shared/jobs/model.js';
import { say, type Said } from '../../../shared/messages/problems.js';
import { errorMessage } from '../../../shared/format.js';
import type { Plan } from '../../../shared/plans/plan.js';
import type { Host } from '../host/host.js';
import { Refusal } from '../refusal.js';
import { mapLimit } from '../map-limit.js';
import { VirshStepShells } from '../libvirt/step-shells.js';
import { Journal, READ_AT_ONCE, withoutProcess, type JournalRecord } from './journal.js';
import { BOOT, isAlive, lockKeysOf, Locks, type Held, type LockKey } from './locks.js';
import { JobMeter } from './progress.js';
import { interrupted } from './recovery.js';
import { lostDaemon, madeByLibvirt, runStep, shellCommandFor, type StepEnd } from './steps.js';
import { moveToTrash, restoreEntries, standsAt, trashEntryOf } from './trash.js';

export interface JobsOptions {
  /** The journal's folder: `$XDG_STATE_HOME/snaptree/jobs`. */
  readonly journalDir: string;
  /** A job started, moved on, made progress (at most a few times a second) or ended. */
  readonly jobChanged: (job: Job) => void;
  /** Another process's job that was told of is no longer recorded (its start was refused). */
  readonly jobGone?: (id: string) => void;
  readonly trashChanged: () => void;
  /** A job ended having changed files or domains: the forest and inventory are read again. */
  readonly changedWorld: () => void;
  /**
   * Tell of other processes' jobs too, as their records are written (a watch on the journal's
   * folder): the window's core does, to show the CLI's jobs; a CLI command runs one job of its own.
   */
  readonly followOthers?: boolean;
}

export interface Jobs {
  /**
   * Starts the plan now, or queues it behind the jobs holding its locks. Refuses a blocked
   * plan. `replan` plans the same intent again on what the plan stands on, read anew: a plan
   * with another id means something changed since it was shown. It is asked at the start,
   * once the job has taken what locks it can (all of them, for a job that runs now: no job
   * of ours changes those files while they are read), and a change rejects with PlanChanged,
   * nothing run; and asked again when a queued job gets its turn, holding them all (the job
   * it waited for may have changed them), a change ending the job having run nothing.
   */
  start(plan: Plan, replan?: Replan): Promise<Job>;
  cancel(id: string): Promise<Job>;
  /** Every recorded job, interrupted ones (found unfinished in the journal) first. */
  list(): Promise<Job[]>;
  trash(): Promise<TrashEntry[]>;
  /**
   * The files that jobs running now hold, this process's and others' (but `except`'s, the
   * job being checked before it runs): a job on one of them waits for its turn.
   */
  heldFiles(except?: string): string[];
  restore(job: string): Promise<TrashEntry[]>;
  /**
   * Cancels every job this process runs and waits for each to say what it left: for a
   * process about to end, whose tools would otherwise be interrupted with no word of it.
   */
  cancelAll(): Promise<void>;
  /**
   * Gets ready to run a plan that is being shown: connects the virsh shell its short virsh
   * steps run in, while the user reads the plan, so that the start does not wait for it.
   */
  prepare(plan: Plan): void;
  /** Stops nothing that runs (a closing window leaves its jobs to the journal), only the journal's watch and idle virsh shells. */
  close(): void;
}

/** The plan made again for a job about to run (`job`: its id, whose own locks are not another job's). */
export type Replan = (job: string) => Promise<Plan>;

/** What a job was started for changed since its plan was shown: nothing ran, and this is the plan now. */
export class PlanChanged extends Error {
  constructor(readonly plan: Plan) {
    super('the plan changed since it was shown');
  }
}

/** How often a running job's progress reaches the window: at least twice a second. */
const TICK_MS = 300;
/** How often a waiting job looks again at a lock another process holds (this process's own wake it at once). */
const LOCK_POLL_MS = 300;
/** How long a cancel of another process's job waits for its record to say it ended (the jobChanged that follows says the rest). */
const CANCEL_ELSEWHERE_MS = 10_000;
/** How often a core that follows other processes' jobs looks whether each one's process still lives: a kill -9 writes no record. */
const OTHERS_ALIVE_MS = 1000;

/** A job of this process, while it waits or runs. */
interface Mine {
  readonly record: JournalRecord;
  readonly keys: readonly LockKey[];
  /** Made again with the plan read again before the job runs: its byte estimates are the ones read then. */
  meter: JobMeter;
  readonly controller: AbortController;
  finished: Promise<void>;
  /** The progress events while it runs: stopped when it ends, so that none says "ended" before the end is written and told. */
  ticker: NodeJS.Timeout | null;
}

/**
 * What an ended job changed besides its record, by what of it ran: the trash (a trash or
 * purge step, or a half-made file moved there) and the files or domains (any step that is
 * not a tool's, or a tool that writes or creates files). A job that ran nothing changed neither.
 */
function changedBy(record: JournalRecord): { trash: boolean; world: boolean } {
  const ran = record.plan.steps.filter((_, index) => record.steps[index]!.startedAt !== null);
  const trash = record.left.some((said) => said.key === 'jobs.left.partialTrashed') || ran.some((step) => step.op === 'trash' || step.op === 'purge');
  return { trash, world: trash || ran.some((step) => step.op !== 'run' || step.changes.length > 0 || step.creates.length > 0) };
}

/** Why a job waits: the job that holds one of its files or domains, or one that is taking it this moment. */
const waitingOn = (held: Held): Said => (held.job === null ? say('jobs.waitingStarting', { what: held.what }) : say('jobs.waiting', { job: held.job, what: held.what }));
const nowIso = (): string => new Date().toISOString();
const newJobId = (): string => `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const pendingStep = (): StepRecord => ({ startedAt: null, endedAt: null, outcome: 'pending', exitCode: null, outputTail: [], error: null, output: null });

function jobOf(record: JournalRecord): Job {
  return structuredClone(withoutProcess(record));
}

/** Unfinished first, then running and waiting, then the rest; newest first within each. */
const RANK: Readonly<Record<Job['state'], number>> = { interrupted: 0, running: 1, waiting: 2, done: 3, failed: 3, cancelled: 3 };
const byShowingOrder = (a: Job, b: Job): number => RANK[a.state] - RANK[b.state] || b.createdAt.localeCompare(a.createdAt);

/** A record that says its job runs or waits, in a process that is gone (or this process, which does not run it). */
const orphaned = (record: JournalRecord): boolean => (record.state === 'running' || record.state === 'waiting') && (record.pid === process.pid || !isAlive(record.pid, record.boot));

export function createJobs(host: Host, options: JobsOptions): Jobs {
  const journal = new Journal(options.journalDir);
  const shells = new VirshStepShells(host);
  const mine = new Map<string, Mine>();
  const locks = new Locks(options.journalDir, (id) => mine.has(id));
  /** Jobs of this process waiting for a lock: woken when one of ours is released. */
  const waiters = new Set<() => void>();
  const reportedUnreadable = new Set<string>();
  /**
   * The window may cancel a job the CLI runs, and the other way round: the front end that
   * asks leaves this file, and the process running the job sees it at its next tick.
   */
  const cancelRequest = (id: string): string => join(options.journalDir, `${id}.cancel`);
  const cancelAsked = (id: string): boolean => existsSync(cancelRequest(id));
  /** At once, not through the thread pool: an ended job's last event waits for it. */
  const forgetCancelRequest = (id: string): void => {
    try {
      rmSync(cancelRequest(id), { force: true });
    } catch {
      // left for a person: it names a job that has ended, and no job is asked twice
    }
  };

  const changed = (job: Mine): void => options.jobChanged(jobOf(job.record));
  /** A front end that fails to hear of an end (a window closing) must not keep the job's locks, nor make its end a failure. */
  const tellEnded = (job: Mine): void => {
    try {
      changed(job);
    } catch (error) {
      process.stderr.write(`snaptree: the end of job ${job.record.id} could not be told: ${errorMessage(error)}\n`);
    }
  };
  // Another process's job (the CLI's, in the window) is told as its record is written: at
  // its start, at each step's start and end, and at its end; its progress stays in it.
  // One read at a time per record, and one more if it was written again meanwhile: events
  // never arrive out of order, however often a long plan's record is rewritten.
  const reading = new Map<string, { again: boolean }>();
  /** Other processes' jobs last read as running or waiting: told interrupted once their process is gone. */
  const elsewhere = new Map<string, Pick<JournalRecord, 'pid' | 'boot'>>();
  const tellOther = async (id: string): Promise<void> => {
    const record = await journal.read(id);
    if (record === null) {
      // A record gone (or no longer readable) is not looked at again each second. One taken
      // back (a start refused once its record was written: its plan had changed) is said gone,
      // or a window that showed it running would show it so until its next refetch.
      if (elsewhere.delete(id) && !existsSync(join(options.journalDir, `${id}.json`))) options.jobGone?.(id);
      return;
    }
    if (mine.has(id)) return;
    const ended = record.state !== 'running' && record.state !== 'waiting';
    // Its process, not this one: a record just written is no earlier process's that had this pid.
    const gone = !ended && !isAlive(record.pid, record.boot);
    if (ended || gone) elsewhere.delete(id);
    else elsewhere.set(id, { pid: record.pid, boot: record.boot });
    if (gone) {
      options.jobChanged(await interrupted(record));
      // Stopped in the middle of a step, perhaps: what it had changed so far is read again.
      options.changedWorld();
      return;
    }
    options.jobChanged(jobOf(record));
    // Its files changed where this process did not change them: the trash and the world are read again.
    if (ended) {
      const { trash, world } = changedBy(record);
      if (trash) options.trashChanged();
      if (world) options.changedWorld();
    }
  };
  const tell = (id: string): void => {
    if (mine.has(id)) return;
    const under = reading.get(id);
    if (under) {
      under.again = true;
      return;
    }
    const state = { again: false };
    reading.set(id, state);
    void (async () => {
      do {
        state.again = false;
        await tellOther(id).catch(() => undefined);
      } while (state.again);
      reading.delete(id);
    })();
  };
  const othersWatch = !options.followOthers ? { close: () => undefined } : journal.watch(tell);
  const othersAlive = !options.followOthers
    ? null
    : setInterval(() => {
        for (const [id, { pid, boot }] of elsewhere) if (!isAlive(pid, boot)) tell(id);
      }, OTHERS_ALIVE_MS).unref();
  const save = async (job: Mine): Promise<void> => {
    await journal.write(job.record);
    changed(job);
  };

  async function start(plan: Plan, replan?: Replan): Promise<Job> {
    if (plan.blockers.length > 0) throw new Refusal(say('jobs.refused.blocked'));
    const record: JournalRecord = {
      id: newJobId(),
      pid: process.pid,
      boot: BOOT,
      plan,
      state: 'waiting',
      createdAt: nowIso(),
      startedAt: null,
      endedAt: null,
      waitingFor: null,
      steps: plan.steps.map(pendingStep),
      progress: null,
      left: [],
      files: [],
      recovery: null,
    };
    const job: Mine = { record, keys: lockKeysOf(plan), meter: new JobMeter(plan), controller: new AbortController(), finished: Promise.resolve(), ticker: null };
    mine.set(record.id, job);
    const begun = begin(job, replan);
    // From now on: a cancel (the program about to stop) during the check waits for it, and
    // the job then ends having run nothing, which its record says, not "stopped during step 1".
    job.finished = begun.then((held) => drive(job, held === null, replan), () => undefined);
    await begun;
    return jobOf(record);
  }

  /** Takes the job's locks (null: all of them) and checks its plan again; refused, it leaves no record and holds nothing. */
  async function begin(job: Mine, replan: Replan | undefined): Promise<Held | null> {
    const { record } = job;
    let written: Promise<void> | null = null;
    try {
      const held = locks.acquire(record.id, job.keys);
      // Free to run: the record that says the job exists also says its first step starts,
      // one journal write instead of three (each costs two fsyncs, a job's own time). It is
      // written while the plan is checked, which its step waits for: a crash during the
      // check leaves a record whose first step may not have begun, which the next start
      // reads as any interrupted step is read, its files looked at again.
      if (held === null) running(job);
      else record.waitingFor = waitingOn(held);
      written = journal.write(record);
      written.catch(() => undefined);
      // Under its locks when it has them. A job that must wait is checked too (a plan that
      // changed already is shown again at once, not queued), and again when its turn comes.
      const changedPlan = replan === undefined ? null : await checkAgain(job, replan);
      if (changedPlan !== null) throw new PlanChanged(changedPlan);
      await written;
      // The step starts now, not when the record was sent to the disk.
      if (held === null) startsNow(job);
      return held;
    } catch (error) {
      // The plan changed, or the state folder cannot be written: nothing ran, nothing is
      // recorded (the record written meanwhile is taken back: a window that follows the
      // journal hears it is gone) and nothing stays held.
      mine.delete(record.id);
      locks.release(record.id, job.keys);
      if (written !== null) await journal.remove(record.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Plans the job again on what it stands on, read now: null when that is the plan it has,
   * which it then takes (the same steps and files, its byte estimates read now); else the plan now.
   */
  async function checkAgain(job: Mine, replan: Replan): Promise<Plan | null> {
    const now = await replan(job.record.id);
    if (now.id !== job.record.plan.id) return now;
    job.record.plan = now;
    job.meter = new JobMeter(now);
    return null;
  }

  /** Waits for the job's locks; false when it was cancelled meanwhile. */
  async function locked(job: Mine): Promise<boolean> {
    const { record, controller } = job;
    changed(job);
    for (;;) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          controller.signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, LOCK_POLL_MS);
        waiters.add(wake);
        controller.signal.addEventListener('abort', wake);
      });
      if (controller.signal.aborted || cancelAsked(record.id)) return false;
      const held = locks.acquire(record.id, job.keys);
      if (held === null) return true;
      const waitingFor = waitingOn(held);
      if (record.waitingFor?.message !== waitingFor.message) {
        record.waitingFor = waitingFor;
        await save(job);
      }
    }
  }

  /** The job starts: its first step with it (written by the caller, before that step runs). */
  function running(job: Mine): void {
    const { record } = job;
    Object.assign(record, { state: 'running', waitingFor: null });
    const first = record.steps[0];
    if (first) first.outcome = 'running';
    startsNow(job);
  }

  /** The moment the job and its first step start: said again once the check before it is over, with the estimates read then. */
  function startsNow(job: Mine): void {
    const { record } = job;
    Object.assign(record, { startedAt: nowIso(), progress: job.meter.at(0, null) });
    const first = record.steps[0];
    if (first) first.startedAt = record.startedAt;
  }

  async function drive(job: Mine, holdsLocks: boolean, replan: Replan | undefined): Promise<void> {
    const { record } = job;
    try {
      if (!holdsLocks) {
        if (!(await locked(job))) {
          await finish(job, 'cancelled', [say('jobs.left.cancelledWaiting')], { hadLocks: false });
          return;
        }
        // Asked with the locks held: no job of ours changes those files while it is read.
        const unchanged = replan === undefined ? true : await checkAgain(job, replan).then((now) => now === null, (error: unknown) => say('jobs.left.uncheckedWhileWaiting', { detail: errorMessage(error) }));
        if (unchanged !== true) {
          await finish(job, 'cancelled', [unchanged === false ? say('jobs.left.changedWhileWaiting') : unchanged], { hadLocks: true });
          return;
        }
        running(job);
        await save(job);
      } else changed(job);
      job.ticker = setInterval(() => {
        if (cancelAsked(record.id)) job.controller.abort();
        changed(job);
      }, TICK_MS);
      try {
        await runSteps(job);
      } finally {
        clearInterval(job.ticker);
      }
    } catch (error) {
      // The journal itself could not be written (its disk full, its folder gone): said, and the locks freed.
      await finish(job, 'failed', [say('jobs.step.failed', { detail: errorMessage(error) })], { hadLocks: true }).catch(() => undefined);
    }
  }

  async function runSteps(job: Mine): Promise<void> {
    const { record, controller } = job;
    const { steps } = record.plan;
    const total = steps.length;
    for (const [index, step] of steps.entries()) {
      const stepRecord = record.steps[index]!;
      if (controller.signal.aborted) {
        const when = index === 0 ? say('jobs.left.cancelledWaiting') : say('jobs.left.cancelledAfter', { step: index, total });
        // The first step was only written as starting: it never ran.
        if (index === 0) stepRecord.startedAt = null;
        await finish(job, 'cancelled', [when, ...notRun(job, index)], { hadLocks: true });
        return;
      }
      // The first step's start was written with the job's (running, above).
      if (index > 0) {
        Object.assign(stepRecord, { startedAt: nowIso(), outcome: 'running' });
        record.progress = job.meter.at(index, null);
        await save(job);
      }
      const end = await runStep(step, {
        host,
        job: record.id,
        signal: controller.signal,
        progress: (fraction) => (record.progress = job.meter.at(index, fraction)),
        output: (tail) => (stepRecord.outputTail = [...tail]),
        shells,
      });
      Object.assign(stepRecord, { outcome: end.outcome, exitCode: end.exitCode, error: end.error, output: end.output, endedAt: nowIso() });
      if (end.outcome === 'failed' && step.op === 'run' && step.optional) {
        record.left.push(say('jobs.left.optionalFailed', { step: index + 1 }));
      } else if (end.outcome !== 'done') {
        const left = [
          say(end.outcome === 'cancelled' ? 'jobs.left.cancelledAt' : 'jobs.left.failedAt', { step: index + 1, total }),
          ...(await halfMade(job, index, end)),
          ...(await notDefined(job, index)),
          ...notRestored(job, index),
          ...notMarked(job, index, end),
          ...notRun(job, index + 1),
        ];
        await finish(job, end.outcome === 'cancelled' ? 'cancelled' : 'failed', left, { hadLocks: true });
        return;
      }
      // After the last step, the job's end is the write that follows the step.
      if (index < total - 1) await journal.write(record);
    }
    record.progress = job.meter.at(total, null);
    await finish(job, 'done', [], { hadLocks: true });
  }

  /** The steps from `from` on, marked as never run, each said. */
  function notRun(job: Mine, from: number): Said[] {
    const total = job.record.steps.length;
    return job.record.steps.slice(from).map((stepRecord, offset) => {
      stepRecord.outcome = 'skipped';
      return say('jobs.left.notRun', { step: from + offset + 1, total });
    });
  }

  /**
   * A file the failed or cancelled step was creating goes to the trash, never deleted; one
   * libvirt was making stays where the domain's XML may name it, and is said to.
   */
  async function halfMade(job: Mine, index: number, end: StepEnd): Promise<Said[]> {
    const step = job.record.plan.steps[index]!;
    if (step.op !== 'run' || !end.ran) return [];
    // Files libvirt makes after virsh has gone stand at no path yet: every one is named.
    if (madeByLibvirt(step) && lostDaemon(end)) return [say('jobs.left.libvirtLost', { paths: step.creates.join(', ') })];
    const left: Said[] = [];
    for (const path of step.creates) {
      if (!(await standsAt(path))) continue;
      if (madeByLibvirt(step)) {
        left.push(say('jobs.left.libvirtKept', { path }));
        continue;
      }
      try {
        left.push(say('jobs.left.partialTrashed', { path, trashed: await moveToTrash(path, job.record.id) }));
      } catch (error) {
        left.push(say('jobs.left.partialKept', { path, code: (error as NodeJS.ErrnoException).code ?? 'error' }));
      }
    }
    return left;
  }

  /**
   * A define that failed (libvirt stopped, the domain changed) left its domain as it was: a
   * convert's old file is trashed only after the switch, so the domain keeps it. The files
   * made for the domain by the steps before are whole and kept, used by no domain: said, or
   * they would lie unseen, and the change planned again would refuse to write over them.
   */
  async function notDefined(job: Mine, index: number): Promise<Said[]> {
    const step = job.record.plan.steps[index]!;
    if (step.op !== 'define') return [];
    const made = new Set(job.record.plan.steps.slice(0, index).flatMap((earlier) => (earlier.op === 'run' ? earlier.creates : [])));
    // A clone's new files were made for the clone, a switched disk's for the domain itself.
    const { domain, files } =
      step.edit.kind === 'switch-disk' ? { domain: step.domain.name, files: [step.edit.path] } : step.edit.kind === 'switch-disks' ? { domain: step.domain.name, files: Object.values(step.edit.disks) } : { domain: step.edit.name, files: Object.values(step.edit.disks) };
    const left = [say('jobs.left.defineFailed', { domain: step.domain.name })];
    for (const path of files) if (made.has(path) && (await standsAt(path))) left.push(say('jobs.left.madeUnused', { path, domain }));
    return left;
  }

  /**
   * A restore that failed left its domain shut off, already defined on the new overlays (a
   * revert defines before it restores): said, so that the user restores or starts it.
   */
  function notRestored(job: Mine, index: number): Said[] {
    const step = job.record.plan.steps[index]!;
    return step.op === 'restore' ? [say('jobs.left.restoreFailed', { domain: step.domain.name, path: step.memoryFile })] : [];
  }

  /**
   * A merge's folds ran before its marks: a record kept but not marked names a state that is
   * gone, and libvirt would revert to it. Each such snapshot is named, this step's and the
   * later marks', so that the user deletes its record. Not where nothing was folded yet (the
   * first fold's tool never started, as when it is missing): every record still names a
   * state that is there, and deleting one would lose it.
   */
  function notMarked(job: Mine, index: number, end: StepEnd): Said[] {
    const { steps } = job.record.plan;
    const folded = end.ran || steps.slice(0, index).some((step, at) => step.changes.length > 0 && job.record.steps[at]!.outcome === 'done');
    if (steps[index]!.op !== 'mark-folded' && !folded) return [];
    return steps.slice(index).flatMap((step) => (step.op === 'mark-folded' ? [say('jobs.left.notMarked', { snapshot: step.snapshot, domain: step.domain.name })] : []));
  }

  async function finish(job: Mine, state: 'done' | 'failed' | 'cancelled', left: Said[], { hadLocks }: { hadLocks: boolean }): Promise<void> {
    const { record } = job;
    if (job.ticker) clearInterval(job.ticker);
    Object.assign(record, { state, endedAt: nowIso(), waitingFor: null });
    record.left.push(...left);
    // Written before the locks are let go: a crash in between leaves a record that says it
    // ended, and locks of a dead process, which the next job takes over.
    try {
      await journal.write(record);
      // Told first, and the rest in the same turn: a request the event prompts is read only
      // after it, when the locks are free and the world is being read again. The job's end
      // reaches the window without waiting for its many locks to go.
      tellEnded(job);
    } finally {
      if (hadLocks) locks.release(record.id, job.keys);
      forgetCancelRequest(record.id);
      for (const wake of [...waiters]) wake();
    }
    // From here on its record is the journal's: this process keeps only the jobs it still runs.
    mine.delete(record.id);
    const { trash, world } = changedBy(record);
    if (trash) options.trashChanged();
    if (world) options.changedWorld();
  }

  async function list(): Promise<Job[]> {
    const { records, unreadable } = await journal.readAll();
    for (const { file, detail } of unreadable) {
      // Kept for a person to look at, and said once per process, not on every list.
      if (reportedUnreadable.has(file)) continue;
      reportedUnreadable.add(file);
      process.stderr.write(`snaptree: ${say('jobs.journalUnreadable', { file, detail }).message}\n`);
    }
    const jobs = await Promise.all(
      records.map((record) => {
        const ours = mine.get(record.id);
        if (ours !== undefined) return jobOf(ours.record);
        if (orphaned(record)) return interrupted(record);
        // Found running elsewhere (started before this core followed the journal): told when its process goes.
        if (options.followOthers && (record.state === 'running' || record.state === 'waiting')) elsewhere.set(record.id, { pid: record.pid, boot: record.boot });
        return jobOf(record);
      }),
    );
    return jobs.sort(byShowingOrder);
  }

  async function trash(): Promise<TrashEntry[]> {
    const { records } = await journal.readAll();
    // What a job can have put there: the files its trash steps made unused, and the ones a failed step was making.
    const candidates = records.flatMap((record) => [...new Set(record.plan.steps.flatMap((step) => (step.op === 'trash' ? [step.path] : step.op === 'run' ? step.creates : [])))].map((path) => ({ path, job: record.id })));
    const entries = await mapLimit(candidates, READ_AT_ONCE, ({ path, job }) => trashEntryOf(path, job));
    return entries.filter((entry): entry is TrashEntry => entry !== null).sort((a, b) => b.at.localeCompare(a.at));
  }

  /** A job of another live process: asked to stop through the journal folder, and its record read until it ends. */
  async function cancelElsewhere(id: string): Promise<Job> {
    const find = async (): Promise<Job> => {
      const recorded = (await list()).find((candidate) => candidate.id === id);
      if (recorded === undefined) throw new Refusal(say('jobs.refused.unknownJob', { job: id }));
      return recorded;
    };
    let recorded = await find();
    if (recorded.state !== 'running' && recorded.state !== 'waiting') return recorded;
    await writeFile(cancelRequest(id), '');
    const until = Date.now() + CANCEL_ELSEWHERE_MS;
    while ((recorded.state === 'running' || recorded.state === 'waiting') && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      recorded = await find();
    }
    return recorded;
  }

  /** Asks a job of this process to stop, and waits for it to say what the cancel left. */
  async function cancelMine(job: Mine): Promise<Job> {
    job.controller.abort();
    await job.finished;
    return jobOf(job.record);
  }

  return {
    start,
    cancel(id) {
      const job = mine.get(id);
      return job === undefined ? cancelElsewhere(id) : cancelMine(job);
    },
    async cancelAll() {
      await Promise.all([...mine.values()].map(cancelMine));
    },
    list,
    trash,
    heldFiles: (except) => locks.heldFiles(except),
    async restore(id) {
      const entries = (await trash()).filter((entry) => entry.job === id);
      if (entries.length === 0) throw new Refusal(say('jobs.refused.nothingTrashed', { job: id }));
      await restoreEntries(entries);
      options.trashChanged();
      options.changedWorld();
      return entries;
    },
    prepare(plan) {
      if (plan.blockers.length > 0) return;
      for (const step of plan.steps) {
        const command = step.op === 'run' ? shellCommandFor(step) : null;
        if (command !== null) shells.prepare(command);
      }
    },
    close() {
      // A job's process goes on to its end, and the journal says how it went.
      shells.close();
      othersWatch.close();
      if (othersAlive !== null) clearInterval(othersAlive);
    },
  };
}
