/**
 * The CLI's jobs: `createJobs` on the journal folder the window reads too (XDG_STATE_HOME),
 * so that each lists the other's jobs, followed to their end.
 */
import type { Job } from '../../shared/jobs/model.js';
import type { Host } from '../core/host/host.js';
import { createJobs, type Jobs } from '../core/jobs/jobs.js';
import { defaultJournalDir } from '../core/plans.js';

const ENDED = new Set<Job['state']>(['done', 'failed', 'cancelled', 'interrupted']);

export interface CliJobs {
  readonly jobs: () => Jobs;
  /** Called with every change of every job this process runs. */
  onChange(listener: (job: Job) => void): void;
  /** Settles with the job's record once it has ended, however it ended. */
  ended(id: string): Promise<Job>;
}

export function cliJobs(host: Host): CliJobs {
  const listeners: Array<(job: Job) => void> = [];
  // The last record of each job: a job may end before start() has even returned its id.
  const latest = new Map<string, Job>();
  let jobs: Jobs | null = null;
  return {
    jobs: () =>
      (jobs ??= createJobs(host, {
        journalDir: defaultJournalDir(),
        jobChanged: (job) => {
          latest.set(job.id, job);
          for (const listener of listeners) listener(job);
        },
        // One command, one job: nothing here shows the trash or the forest afterwards.
        trashChanged: () => {},
        changedWorld: () => {},
      })),
    onChange: (listener) => void listeners.push(listener),
    ended: (id) =>
      new Promise((resolve) => {
        const known = latest.get(id);
        if (known !== undefined && ENDED.has(known.state)) return resolve(known);
        listeners.push((job) => {
          if (job.id === id && ENDED.has(job.state)) resolve(job);
        });
      }),
  };
}
