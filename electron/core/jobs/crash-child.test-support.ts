/**
 * A Snaptree core in a process of its own, for the tests of what a kill -9 leaves: it
 * starts the plan in the file it is given (or takes the locks of one) and says on stdout
 * when the job is under way, then waits to be killed.
 */
import { readFileSync } from 'node:fs';
import { Plan } from '../../../shared/plans/plan.js';
import { LocalHost } from '../host/local.js';
import { createJobs } from './jobs.js';

const [journalDir, planFile] = process.argv.slice(2) as [string, string];
const plan = Plan.parse(JSON.parse(readFileSync(planFile, 'utf8')));
const jobs = createJobs(new LocalHost(), {
  journalDir,
  jobChanged: (job) => {
    if (job.state === 'running' && (job.progress?.fraction ?? 0) > 0.02) process.stdout.write(`under way ${job.id}\n`);
  },
  trashChanged: () => undefined,
  changedWorld: () => undefined,
});
void jobs.start(plan);
