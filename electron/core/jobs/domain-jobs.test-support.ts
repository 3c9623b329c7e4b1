/**
 * For the test files whose jobs change real domains: the file's domains, a journal in its
 * scratch folder, and a change planned as `snaptree plan` plans it and run as a job.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { IntentInput } from '../../../shared/plans/intent.js';
import type { Plan, RunStep } from '../../../shared/plans/plan.js';
import { cliPlanSources } from '../../cli/world.js';
import { LocalHost } from '../host/local.js';
import { domainsOfFile, URI, type FileDomains } from '../libvirt/domains.test-support.js';
import { makePlan } from '../plans.js';
import { ENDED, watchedJobs, type Watched } from './jobs.test-support.js';

export interface DomainJobs extends FileDomains {
  readonly watched: Watched;
  /** The plan of the intent, as `snaptree plan` makes it. */
  planOf(intent: IntentInput): Promise<Plan>;
  /** Plans the intent, which must have no blockers, and runs it; every step must end done. */
  run(intent: IntentInput): Promise<Plan>;
}

export function domainJobsOfFile(label: string): DomainJobs {
  const file = domainsOfFile(label);
  let watched: Watched | undefined;
  beforeAll(() => {
    watched = watchedJobs(join(file.scratch, 'state'));
  });
  // Before the domains go (after hooks run last first): no job of the file's outlives them.
  afterAll(() => watched?.jobs.close());
  const host = new LocalHost();
  const planOf = (intent: IntentInput) => makePlan(cliPlanSources(host, { uri: URI, intent, jobs: () => watched!.jobs, warn: () => {} }), intent);
  return {
    get domains() {
      return file.domains;
    },
    get scratch() {
      return file.scratch;
    },
    get watched() {
      return watched!;
    },
    planOf,
    async run(intent) {
      const plan = await planOf(intent);
      expect(plan.blockers).toEqual([]);
      const job = await watched!.jobs.start(plan);
      const ended = await watched!.until(job.id, ENDED);
      expect(ended.steps.map((step) => step.error?.message ?? step.outcome)).toEqual(plan.steps.map(() => 'done'));
      return plan;
    },
  };
}

/** The verb of each tool the plan runs: `virsh -c URI VERB …`, `qemu-img VERB …`. */
export const commands = (plan: Plan): (string | undefined)[] => plan.steps.filter((step): step is RunStep => step.op === 'run').map((step) => step.argv[step.argv[0]!.endsWith('virsh') ? 3 : 1]);
