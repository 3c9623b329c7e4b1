/**
 * A job's short virsh step runs in the virsh shell the plan prepared, connected before the
 * start (no virsh process of its own: half of a disk-only snapshot's time was virsh starting
 * and connecting), and its record reads as a process's would: exit code 0 and virsh's words,
 * or exit code 1 and libvirt's reason. On a running TCG guest whose disk holds data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntentInput } from '../../../shared/plans/intent.js';
import type { Plan } from '../../../shared/plans/plan.js';
import { cliPlanSources } from '../../cli/world.js';
import { LocalHost } from '../host/local.js';
import { domainsOfFile, URI, virsh } from '../libvirt/domains.test-support.js';
import { makePlan } from '../plans.js';
import { guestBytes, write } from './guest-data.test-support.js';
import { ENDED, watchedJobs } from './jobs.test-support.js';
import { sources } from './revert.test-support.js';

const file = domainsOfFile('shell-step');

/** The local host, counting the virsh processes a job streams and the virsh shells it starts. */
function counting() {
  const local = new LocalHost();
  const counts = { virshProcesses: 0, shells: 0 };
  const host = Object.assign(Object.create(local) as LocalHost, {
    stream: (...args: Parameters<LocalHost['stream']>) => {
      if (args[0].argv.some((token) => token.endsWith('/virsh'))) counts.virshProcesses++;
      return local.stream(...args);
    },
    converse: (...args: Parameters<LocalHost['converse']>) => {
      counts.shells++;
      return local.converse(...args);
    },
  });
  return { host, counts };
}

describe("a job's virsh step in the shell its plan prepared", () => {
  const planned = (host: LocalHost, jobs: ReturnType<typeof watchedJobs>['jobs'], intent: IntentInput): Promise<Plan> =>
    makePlan(cliPlanSources(host, { uri: URI, intent, jobs: () => jobs, warn: () => undefined }), intent);

  it('takes a disk-only snapshot of a running domain with no virsh process of its own; the guest reads what it read', async () => {
    const { name, disk } = file.domains.define('disk-only');
    write(disk, 0x5a, '0', '2M');
    virsh('start', '--domain', name);
    const before = guestBytes(disk, file.scratch);
    const { host, counts } = counting();
    const watched = watchedJobs(join(file.scratch, 'state'), host);
    try {
      // A file name with what a shell or virsh's own parser would take apart (rule 4): quotes, `$(...)`, `;`, a comma in the diskspec.
      const overlay = join(file.domains.dir, `disk-only.it's "q" $(touch x); a,b -s1.qcow2`);
      const plan = await planned(host, watched.jobs, { kind: 'snapshot', uri: URI, domain: name, name: 's1', snapshot: 'disk-only', files: { vda: overlay } });
      expect(plan.blockers).toEqual([]);
      watched.jobs.prepare(plan);
      const job = await watched.until((await watched.jobs.start(plan)).id, ENDED);
      expect(job.state).toBe('done');
      expect(job.steps[0]).toMatchObject({ outcome: 'done', exitCode: 0, outputTail: ['Domain snapshot s1 created'] });
      expect(counts).toEqual({ virshProcesses: 0, shells: 1 });
      expect(virsh('snapshot-list', '--domain', name, '--name').trim()).toBe('s1');
      expect(sources(name)).toEqual({ vda: overlay });
      expect(guestBytes(overlay, file.scratch)).toBe(before);
      expect(guestBytes(disk, file.scratch)).toBe(before);
    } finally {
      watched.jobs.close();
    }
  }, 120_000);

  it('refuses to start when the new overlay appeared after the plan was shown: nothing run, the file left as it was', async () => {
    const { name, disk } = file.domains.define('taken-file');
    write(disk, 0x3c, '0', '1M');
    virsh('start', '--domain', name);
    const before = guestBytes(disk, file.scratch);
    const { host, counts } = counting();
    const watched = watchedJobs(join(file.scratch, 'state'), host);
    try {
      const overlay = join(file.domains.dir, 'taken-file.s1.qcow2');
      const plan = await planned(host, watched.jobs, { kind: 'snapshot', uri: URI, domain: name, name: 's1', snapshot: 'disk-only', files: { vda: overlay } });
      expect(plan.blockers).toEqual([]);
      watched.jobs.prepare(plan);
      writeFileSync(overlay, 'somebody else’s file');
      const job = await watched.until((await watched.jobs.start(plan)).id, ENDED);
      expect(job.state).toBe('failed');
      expect(job.steps[0]!.error?.key).toBe('jobs.step.exists');
      expect(counts.virshProcesses).toBe(0);
      expect(readFileSync(overlay, 'utf8')).toBe('somebody else’s file');
      expect(virsh('snapshot-list', '--domain', name, '--name').trim()).toBe('');
      expect(sources(name)).toEqual({ vda: disk });
      expect(guestBytes(disk, file.scratch)).toBe(before);
    } finally {
      watched.jobs.close();
    }
  }, 120_000);

  it('records libvirt’s refusal as virsh’s exit code 1 with its reason, and changes nothing', async () => {
    const { name, disk } = file.domains.define('refused');
    write(disk, 0x6b, '0', '1M');
    const before = guestBytes(disk, file.scratch);
    const { host } = counting();
    const watched = watchedJobs(join(file.scratch, 'state'), host);
    try {
      const plan = await planned(host, watched.jobs, { kind: 'snapshot', uri: URI, domain: name, name: 'taken', snapshot: 'internal' });
      expect(plan.blockers).toEqual([]);
      // Taken by someone else after the plan was shown; the job is started with no re-check, so libvirt is the one to refuse.
      virsh('snapshot-create-as', '--domain', name, '--name', 'taken');
      const job = await watched.until((await watched.jobs.start(plan)).id, ENDED);
      expect(job.state).toBe('failed');
      expect(job.steps[0]).toMatchObject({ outcome: 'failed', exitCode: 1, error: { key: 'jobs.step.exitCode', values: { exitCode: 1 } } });
      expect(String(job.steps[0]!.error!.values.detail)).toMatch(/already exists/);
      expect(virsh('snapshot-list', '--domain', name, '--name').trim()).toBe('taken');
      expect(guestBytes(disk, file.scratch)).toBe(before);
    } finally {
      watched.jobs.close();
    }
  }, 120_000);
});
