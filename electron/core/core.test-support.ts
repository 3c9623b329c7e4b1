/** The window's core as the tests drive it, through its handlers. */
import type { Job } from '../../shared/jobs/model.js';
import type { Core } from './core.js';

/** The job's record once it has ended, as the jobs panel shows it. */
export async function jobEnded(core: Core, id: string): Promise<Job> {
  for (;;) {
    const job = (await core.handlers.jobsList({})).jobs.find((candidate) => candidate.id === id)!;
    if (!['waiting', 'running'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
