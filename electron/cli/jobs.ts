/** `snaptree jobs` and `snaptree trash [list | restore JOB | empty]`: the journal's jobs and the trash they filled. */
import { parseArgs } from 'node:util';
import type { Host } from '../core/host/host.js';
import { Refusal } from '../core/refusal.js';
import { cliJobs } from './cli-jobs.js';
import { json, print, warn } from './output.js';
import { formatJobs, formatTrash } from './plan-text.js';
import { runIntent } from './plan.js';
import { UsageError } from './usage.js';

/** `snaptree jobs [--json]`: every recorded job, unfinished ones first. */
export async function jobsVerb(host: Host, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const jobs = cliJobs(host).jobs();
  const all = await jobs.list();
  jobs.close();
  await print(values.json ? json(all) : formatJobs(all));
  return 0;
}

/** `snaptree trash [list | restore JOB | empty --yes] [--json]`; emptying is a plan of its own, run as `run` runs one. */
export async function trashVerb(host: Host, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, yes: { type: 'boolean', default: false } } });
  const [action = 'list', ...rest] = positionals;
  const usage = (action !== 'list' && action !== 'restore' && action !== 'empty') || rest.length !== (action === 'restore' ? 1 : 0);
  if (usage) throw new UsageError('trash takes list, restore JOB, or empty --yes');
  if (action === 'empty') return runIntent(host, { kind: 'trash-empty' }, await host.defaultLibvirtUri(), { json: values.json, yes: values.yes });
  if (values.yes) throw new UsageError('--yes goes with trash empty');
  const jobs = cliJobs(host).jobs();
  try {
    if (action === 'list') {
      const entries = await jobs.trash();
      await print(values.json ? json(entries) : formatTrash(entries));
      return 0;
    }
    const job = rest[0]!;
    const restoring = (await jobs.trash()).filter((entry) => entry.job === job);
    if (restoring.length === 0) throw new UsageError(`job ${job} has nothing in the trash (snaptree trash lists what is there)`);
    const entries = await jobs.restore(job);
    await print(values.json ? json(entries) : `Put back where they were:\n${formatTrash(restoring)}`);
    return 0;
  } catch (error) {
    // Something stands where a file was: said, and nothing is moved.
    if (!(error instanceof Refusal)) throw error;
    warn(error.message);
    return 3;
  } finally {
    jobs.close();
  }
}
