/**
 * The jobs of this core: each runs one Plan's steps in order through the host runner,
 * holding a lock on every file and domain it touches, journaled before and after every
 * step, cancellable; and the trash its steps fill.
 */
import type { Job, TrashEntry } from '../../../shared/jobs/model.js';
import type { Plan } from '../../../shared/plans/plan.js';
import type { Host } from '../host/host.js';

export interface JobsOptions {
  /** The journal's folder: `$XDG_STATE_HOME/snaptree/jobs`. */
  readonly journalDir: string;
  /** A job started, moved on, made progress (at most a few times a second) or ended. */
  readonly jobChanged: (job: Job) => void;
  readonly trashChanged: () => void;
  /** A job ended having changed files or domains: the forest and inventory are read again. */
  readonly changedWorld: () => void;
}

export interface Jobs {
  /** Starts the plan now, or queues it behind the jobs holding its locks. Refuses a blocked plan. */
  start(plan: Plan): Promise<Job>;
  cancel(id: string): Promise<Job>;
  /** Every recorded job, interrupted ones (found unfinished in the journal) first. */
  list(): Promise<Job[]>;
  trash(): Promise<TrashEntry[]>;
  restore(job: string): Promise<TrashEntry[]>;
  /** Stops nothing that runs: a closing window leaves its jobs to the journal. */
  close(): void;
}

export function createJobs(host: Host, options: JobsOptions): Jobs {
  void host;
  void options;
  throw new Error('jobs: not built yet');
}
