/**
 * A job as the core records it in the journal and reports it to every front end: the plan
 * it runs, each step's start and end, progress, and what it left behind. The same shape is
 * printed by `snaptree jobs --json` and `snaptree run --json`.
 */
import { z } from 'zod';
import { Sentence } from '../messages/sentence.js';
import { Plan } from '../plans/plan.js';

export const JobState = z.enum([
  /** Another job holds one of its files or domains: it starts when that one ends. */
  'waiting',
  'running',
  'done',
  'failed',
  'cancelled',
  /** Found in the journal unfinished after the program stopped (a crash, kill -9). */
  'interrupted',
]);
export type JobState = z.infer<typeof JobState>;

export const StepRecord = z.object({
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  outcome: z.enum(['pending', 'running', 'done', 'failed', 'cancelled', 'skipped']),
  exitCode: z.number().nullable(),
  /** The last lines the step printed (stdout and stderr, split on \r and \n). */
  outputTail: z.array(z.string()),
  /** Why it failed, for a person. */
  error: Sentence.nullable(),
  /** A step that keeps its output (a check): all of stdout. */
  output: z.string().nullable(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const JobProgress = z.object({
  /** Index of the running step. */
  step: z.number(),
  /** 0..1 of the whole job, or null when the running step says nothing of how far it is. */
  fraction: z.number().nullable(),
  bytesPerSecond: z.number().nullable(),
  secondsLeft: z.number().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** A file a job touched, as it was found when the journal was read again after a restart. */
export const FileState = z.object({
  path: z.string(),
  /** `ok` opens as before; `missing`; `unreadable`/`invalid`: its header says why (`problem`); `trashed`: in the trash. */
  state: z.enum(['ok', 'missing', 'unreadable', 'invalid', 'trashed']),
  problem: Sentence.nullable(),
});
export type FileState = z.infer<typeof FileState>;

export const Job = z.object({
  id: z.string(),
  plan: Plan,
  state: JobState,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** While waiting: whose lock it waits for ("waits for job … which holds /vm/a.qcow2"). */
  waitingFor: Sentence.nullable(),
  steps: z.array(StepRecord),
  progress: JobProgress.nullable(),
  /** After a failure, a cancel or an interruption: what the job left behind, said for a person. */
  left: z.array(Sentence),
  /** After an interruption: each file the job touched, read again. */
  files: z.array(FileState),
  /** After an interruption: what finishing or undoing would take, where a plan exists. */
  recovery: Sentence.nullable(),
});
export type Job = z.infer<typeof Job>;

/** The folder beside a file where a job moves it when it becomes unused. */
export const TRASH_FOLDER = '.snaptree-trash';

/** A file that a job moved into `.snaptree-trash/<job id>/` beside where it was. */
export const TrashEntry = z.object({
  job: z.string(),
  /** Where the file was, and where it is now. */
  path: z.string(),
  trashed: z.string(),
  bytes: z.number(),
  at: z.string(),
});
export type TrashEntry = z.infer<typeof TrashEntry>;
