/**
 * `snaptree plan INTENT...` and `snaptree run INTENT...` (and `snaptree trash empty`, a
 * plan of its own): the intent planned on the CLI's view of the world, printed, and run
 * as a job only after the user said yes to that very plan (docs/cli.md).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/format.js';
import type { Job } from '../../shared/jobs/model.js';
import { uriRefusal } from '../../shared/libvirt/uri.js';
import { Intent, type IntentInput } from '../../shared/plans/intent.js';
import type { Plan } from '../../shared/plans/plan.js';
import type { Host } from '../core/host/host.js';
import { makePlan, planHandlers, type PlanSources } from '../core/plans.js';
import { INTENT_OPTIONS, intentOf } from './intent-words.js';
import { cliJobs, type CliJobs } from './cli-jobs.js';
import { exitWith, json, print, terminalGone, warn } from './output.js';
import { formatBlockers, formatJobEnd, formatPlan } from './plan-text.js';
import { progressReporter } from './progress.js';
import { UsageError } from './usage.js';
import { cliPlanSources, cloneSource } from './world.js';

/** Exit codes (docs/cli.md). */
const DONE = 0;
const FAILED = 1;
const REFUSED = 3;

/** Planned or started again at most this often when the world keeps changing under the plan. */
const ATTEMPTS = 3;

interface Flags {
  readonly json: boolean;
  readonly yes: boolean;
}

async function connection(host: Host, given: string | undefined): Promise<string> {
  if (given === undefined) return host.defaultLibvirtUri();
  // Refused as scan refuses it, before any virsh runs.
  const refusal = uriRefusal(given);
  if (refusal !== null) throw new UsageError(`--connect "${given}" refused: ${refusal.message}`);
  return given;
}

/** The words checked against the intent's schema; a clone's source domain found first. */
async function checkedIntent(input: IntentInput, sources: PlanSources): Promise<Intent> {
  let intent = input;
  if (intent.kind === 'overlay' && intent.clone !== undefined) {
    const source = cloneSource(await sources.view(), intent.image);
    if ('reason' in source) throw new UsageError(source.reason);
    intent = { ...intent, clone: { ...intent.clone, domain: source.domain } };
  }
  const parsed = Intent.safeParse(intent);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.path.join('.') || 'intent'}: ${issue.message}`);
  }
  return parsed.data;
}

/** y or yes on the terminal; anything else, or the end of input, is no. */
function confirmed(): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    prompt.once('close', () => resolve(false));
    prompt.question('Run this plan? [y/N] ', (answer) => {
      resolve(/^y(es)?$/i.test(answer.trim()));
      prompt.close();
    });
  });
}

/** The blockers' sentences and alternatives on stderr, whatever stdout carries. */
function refuse(plan: Plan): number {
  process.stderr.write(formatBlockers(plan));
  for (const hint of fileHints(plan, process.cwd())) warn(hint);
  return REFUSED;
}

/** Never throws: a word may be any text (`a/b` under a file, a name too long for a path). */
function isFileHere(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * A domain that is not there, named like a file that is (`delete disk.qcow2 s1`): the
 * word was read as a DOMAIN, as every bare word is; the file is written as a path.
 */
function fileHints(plan: Plan, cwd: string): string[] {
  return plan.blockers.flatMap((blocker) => {
    const word = blocker.code === 'no-domain' ? blocker.values.domain : undefined;
    if (typeof word !== 'string' || !isFileHere(resolve(cwd, word))) return [];
    return [`"${word}" is a file here: a bare word names a domain, an IMAGE is written as a path (./${word})`];
  });
}

/**
 * Ctrl-C cancels the job and waits for it to say what it left; a second one stops waiting
 * (the journal keeps the job). So do a `kill` (SIGTERM) and a closed terminal (SIGHUP),
 * which would otherwise end this process at once and leave the job's tool to be
 * interrupted with no word of what it left; after a hang-up nothing is written to the terminal.
 * Caught from before the job is asked to start: a signal that comes while the start is on its
 * way (the job's tool may already be writing) cancels the job as soon as its id is known.
 */
const STOPPING: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
interface Interrupts {
  readonly asked: () => boolean;
  /** The job to cancel: at once if a signal came already. */
  readonly follow: (cancel: () => Promise<unknown>) => void;
  readonly stop: () => void;
}
function catchInterrupts(): Interrupts {
  let asked = false;
  let cancel: (() => Promise<unknown>) | null = null;
  const send = (): void => void cancel?.().catch((error: unknown) => warn(`the cancel failed: ${errorMessage(error)}`));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGHUP') terminalGone();
    if (asked) {
      warn('stopped waiting: the job record in the journal says how it ends (snaptree jobs)');
      exitWith(FAILED);
    }
    asked = true;
    warn('cancelling: waiting for the job to say what it left (Ctrl-C again to stop waiting)');
    send();
  };
  for (const signal of STOPPING) process.on(signal, onSignal);
  return {
    asked: () => asked,
    follow: (next) => {
      cancel = next;
      if (asked) send();
    },
    stop: () => {
      for (const signal of STOPPING) process.off(signal, onSignal);
    },
  };
}

/** Runs the intent: shows its plan, asks (or takes --yes), starts exactly that plan, follows it to its end. */
export async function runIntent(host: Host, input: IntentInput, uri: string, flags: Flags): Promise<number> {
  // Asked before anything is read: a script that forgot --yes learns it at once, and nothing runs.
  if (!flags.yes && !process.stdin.isTTY) throw new UsageError('run asks before it changes anything, and there is no terminal to ask on: add --yes to run the plan without asking');
  const jobs = cliJobs(host);
  const sources = cliPlanSources(host, { uri, intent: input, jobs: jobs.jobs, warn });
  const intent = await checkedIntent(input, sources);
  // With --json, stdout carries the job record alone: the plan is shown on stderr.
  const show = (plan: Plan): Promise<void> | boolean => (flags.json ? process.stderr.write(formatPlan(plan)) : print(formatPlan(plan)));
  const handlers = planHandlers(sources);
  let plan = await handlers.planMake({ intent });
  for (let attempt = 1; ; attempt++) {
    await show(plan);
    if (plan.blockers.length > 0) return refuse(plan);
    if (!flags.yes && !(await confirmed())) {
      warn('nothing was run');
      return FAILED;
    }
    const interrupts = catchInterrupts();
    const started = await handlers.jobStart({ intent, plan: plan.id });
    if (started.started) return followJob(jobs, started.job, interrupts, flags);
    interrupts.stop();
    if (interrupts.asked()) {
      warn('nothing was run');
      return FAILED;
    }
    if (attempt === ATTEMPTS) {
      warn('the images or domains kept changing while the plan was being started: nothing was run; plan again when they are still');
      return FAILED;
    }
    warn('the images or domains changed since this plan was made: this is the plan for them now');
    plan = started.plan;
  }
}

/** Follows a started job to its end, with its progress on stderr; a signal cancels it. */
async function followJob(jobs: CliJobs, job: Job, interrupts: Interrupts, flags: Flags): Promise<number> {
  const report = progressReporter(process.stderr);
  jobs.onChange((changed) => changed.id === job.id && report(changed));
  report(job);
  interrupts.follow(() => jobs.jobs().cancel(job.id));
  const ended = await jobs.ended(job.id);
  interrupts.stop();
  jobs.jobs().close();
  if (flags.json) await print(json(ended));
  else await print(formatJobEnd(ended));
  return ended.state === 'done' ? DONE : FAILED;
}

const CHANGE_OPTIONS = {
  ...INTENT_OPTIONS,
  connect: { type: 'string' },
  json: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
} as const;

/** `snaptree plan|run INTENT... [--connect URI] [--yes] [--json]`. */
export async function changeVerb(host: Host, verb: 'plan' | 'run', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: CHANGE_OPTIONS });
  const { connect, json: asJson, yes, ...intentValues } = values;
  if (verb === 'plan' && yes) throw new UsageError('--yes goes with run: plan runs nothing');
  const uri = await connection(host, connect);
  const input = intentOf(positionals, intentValues, { cwd: process.cwd(), uri });
  if (verb === 'run') return runIntent(host, input, uri, { json: asJson, yes });
  const jobs = cliJobs(host);
  const sources = cliPlanSources(host, { uri, intent: input, jobs: jobs.jobs, warn });
  const plan = await makePlan(sources, await checkedIntent(input, sources));
  jobs.jobs().close();
  await print(asJson ? json(plan) : formatPlan(plan));
  return plan.blockers.length > 0 ? refuse(plan) : DONE;
}
