/**
 * A Snaptree core in a process of its own, for the tests of what a kill -9 leaves: it
 * starts the plan in the file it is given and says on stdout when the job is under way,
 * then waits to be killed. With `checking`, the check of the plan before its start never
 * ends (libvirt slow to answer): it says so once the job's record is on disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plan } from '../../../shared/plans/plan.js';
import { LocalHost } from '../host/local.js';
import { createJobs } from './jobs.js';

const [journalDir, planFile, mode] = process.argv.slice(2) as [string, string, 'checking' | undefined];
const plan = Plan.parse(JSON.parse(readFileSync(planFile, 'utf8')));
const jobs = createJobs(new LocalHost(), {
  journalDir,
  jobChanged: (job) => {
    if (job.state === 'running' && (job.progress?.fraction ?? 0) > 0.02) process.stdout.write(`under way ${job.id}\n`);
  },
  trashChanged: () => undefined,
  changedWorld: () => undefined,
});
void jobs.start(
  plan,
  mode === 'checking'
    ? async (id) => {
        // The record that says the job starts is written while the plan is checked.
        while (!existsSync(join(journalDir, `${id}.json`))) await new Promise((resolve) => setTimeout(resolve, 5));
        process.stdout.write(`checking ${id}\n`);
        return new Promise<Plan>(() => undefined);
      }
    : undefined,
);
