/**
 * What the revert and clone tests share: a plan made by the planner on the real world (as
 * `snaptree plan` reads it: the inventory of qemu:///system and the scanned folders of the
 * domain's files), run by a real Jobs, and what a running guest writes.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Job } from '../../../shared/jobs/model.js';
import type { Linked } from '../../../shared/libvirt/link.js';
import { parseDomainXml, parseNameList } from '../../../shared/libvirt/parse.js';
import type { IntentInput } from '../../../shared/plans/intent.js';
import type { Plan } from '../../../shared/plans/plan.js';
import { cliPlanSources } from '../../cli/world.js';
import { LocalHost } from '../host/local.js';
import { URI, virsh } from '../libvirt/domains.test-support.js';
import { makePlan } from '../plans.js';
import { ENDED, watchedJobs } from './jobs.test-support.js';

/** The planner's plan for the intent, on the world as it is now. */
export async function planNow(dir: string, intent: IntentInput): Promise<Plan> {
  const watched = watchedJobs(join(dir, 'state'));
  return makePlan(cliPlanSources(new LocalHost(), { uri: URI, intent, jobs: () => watched.jobs, warn: () => undefined }), intent);
}

/** The forest and the inventory as the planner sees them (the CLI's view for the intent). */
export async function viewNow(dir: string, intent: IntentInput): Promise<Linked> {
  const watched = watchedJobs(join(dir, 'state'));
  return cliPlanSources(new LocalHost(), { uri: URI, intent, jobs: () => watched.jobs, warn: () => undefined }).view();
}

/** Plans the intent, checks it is not blocked, and runs it to its end. */
export async function runIntent(dir: string, intent: IntentInput): Promise<{ plan: Plan; job: Job }> {
  const plan = await planNow(dir, intent);
  expect(plan.blockers).toEqual([]);
  const watched = watchedJobs(join(dir, 'state'));
  const started = await watched.jobs.start(plan);
  const job = await watched.until(started.id, ENDED);
  expect(job.steps.map((step) => [step.outcome, step.error?.message ?? null])).toEqual(job.steps.map(() => ['done', null]));
  return { plan, job };
}

/**
 * Bytes written into a running domain's disk through its own QEMU, as its guest would write
 * them: HMP's `qemu-io` on the disk's device (`virtio-disk0` is the first virtio disk).
 */
export function guestWrites(domain: string, pattern: number, offset: string, length: string, disk = 0): void {
  // Flushed after: the qcow2 metadata QEMU caches must reach the file another reader opens.
  for (const command of [`write -P 0x${pattern.toString(16)} ${offset} ${length}`, 'flush']) {
    const said = virsh('qemu-monitor-command', '--domain', domain, '--hmp', `qemu-io -d /machine/peripheral/virtio-disk${disk}/virtio-backend "${command}"`);
    if (said.trim() !== '') throw new Error(`qemu-io in ${domain}: ${said}`);
  }
}

export const state = (domain: string): string => virsh('domstate', '--domain', domain).trim();
export const current = (domain: string): string => virsh('snapshot-current', '--domain', domain, '--name').trim();

/** Each snapshot's parent ('' for a root), from `snapshot-parent` (the `snapshot-list --parent` table escapes non-ASCII names). */
export function parents(domain: string): Record<string, string> {
  const names = parseNameList(virsh('snapshot-list', '--domain', domain, '--name'));
  return Object.fromEntries(names.map((name) => {
    try {
      return [name, virsh('snapshot-parent', '--domain', domain, '--snapshotname', name).trim()];
    } catch {
      return [name, '']; // a root: virsh says it has no parent and fails
    }
  }));
}

/** Each disk's source in the running definition (or the persistent one), by target, read from the XML (domblklist escapes non-ASCII names). */
export function sources(domain: string, options: { inactive?: boolean } = {}): Record<string, string | null> {
  const parsed = parseDomainXml(virsh('dumpxml', '--domain', domain, ...(options.inactive ? ['--inactive'] : [])));
  return Object.fromEntries((parsed?.disks ?? []).map((disk) => [disk.target, disk.activePath]));
}
