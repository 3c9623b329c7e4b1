/**
 * A define step as the runner runs it, against the real libvirtd at qemu:///system on test
 * domains of its own (unique names, removed afterwards): never stopped halfway, and a
 * convert's old file trashed only once its domain was switched.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DefineStep, StepInput } from '../../../shared/plans/plan.js';
import { convertArgv } from '../../../shared/qemu-img/convert.js';
import { createOverlayArgv } from '../../../shared/qemu-img/create.js';
import { LocalHost } from '../host/local.js';
import { domainsOfFile, URI, virsh } from '../libvirt/domains.test-support.js';
import { expectSaidInBoth } from '../said.test-support.js';
import { ENDED, opens, planOf, QEMU_IMG, watchedJobs } from './jobs.test-support.js';
import { runStep } from './steps.js';

const fixture = domainsOfFile('define-step');

const says = { key: 'test.step', values: {}, message: 'a step' };
const switchDisk = (guest: { name: string }, path: string, uuid = virsh('domuuid', '--domain', guest.name).trim()): DefineStep => ({
  op: 'define',
  says,
  changes: [],
  domain: { uri: URI, uuid, name: guest.name },
  virsh: 'virsh',
  edit: { kind: 'switch-disk', target: 'vda', path, format: 'qcow2' },
  shows: [],
});

describe('a define step in a job', () => {
  it('asked to stop while it runs is let finish: the domain is switched and the step says done, as it is', async () => {
    const guest = fixture.domains.define('cancel');
    const converted = join(fixture.domains.dir, 'cancel-converted.qcow2');
    const stop = new AbortController();
    stop.abort();
    const end = await runStep(switchDisk(guest, converted), { host: new LocalHost(), job: 'j', signal: stop.signal, progress: () => undefined, output: () => undefined });
    expect(end.outcome).toBe('done');
    expect(virsh('dumpxml', '--inactive', '--domain', guest.name)).toContain(`<source file='${converted}'/>`);
  });

  it('switches no disk of a domain started since the plan was made: its QEMU writes into the old file', async () => {
    const guest = fixture.domains.define('started', { start: true });
    const before = virsh('dumpxml', '--inactive', '--domain', guest.name);
    const end = await runStep(switchDisk(guest, join(fixture.domains.dir, 'started-converted.qcow2')), { host: new LocalHost(), job: 'j', signal: new AbortController().signal, progress: () => undefined, output: () => undefined });
    expect(end.outcome).toBe('failed');
    expect(end.error).toMatchObject({ key: 'jobs.step.domainRuns', values: { domain: guest.name, state: 'running' } });
    expectSaidInBoth([end.error!]);
    expect(virsh('dumpxml', '--inactive', '--domain', guest.name)).toBe(before);
  });

  it("of a convert that fails leaves the domain on its old file, that file out of the trash, and says so", async () => {
    const guest = fixture.domains.define('keep');
    const converted = join(fixture.domains.dir, 'keep-converted.qcow2');
    const steps: StepInput[] = [
      { op: 'run', says, changes: [converted], argv: [...convertArgv(QEMU_IMG, guest.disk, 'qcow2', converted, 'qcow2')] as [string, ...string[]], creates: [converted], progress: 'qemu-img', cancel: 'sigint' },
      // The domain as the plan knew it, since undefined and defined again under the same name: a new UUID.
      switchDisk(guest, converted, '00000000-0000-4000-8000-00000000000b'),
      { op: 'trash', says, changes: [guest.disk], path: guest.disk },
    ];
    const watched = watchedJobs(join(fixture.scratch, 'jobs'));
    const job = await watched.jobs.start(planOf(steps, { unused: [guest.disk] }));
    const failed = await watched.until(job.id, ENDED);
    expect(failed.state).toBe('failed');
    expect(failed.steps.map((step) => step.outcome)).toEqual(['done', 'failed', 'skipped']);
    expect(virsh('dumpxml', '--inactive', '--domain', guest.name)).toContain(`<source file='${guest.disk}'/>`);
    expect(opens(guest.disk)).toBe(true);
    expect(existsSync(converted)).toBe(true);
    expect(await watched.jobs.trash()).toEqual([]);
    expect(failed.left.map((said) => said.key)).toEqual(['jobs.left.failedAt', 'jobs.left.defineFailed', 'jobs.left.madeUnused', 'jobs.left.notRun']);
    expect(failed.left[2]!.values).toEqual({ path: converted, domain: guest.name });
    expectSaidInBoth(failed.left);
  });

  it('of a linked clone that libvirt refuses names the overlay made for the clone, kept and used by no domain', async () => {
    const source = fixture.domains.define('clone-src');
    // The clone's name is taken since the plan was made.
    const taken = fixture.domains.define('clone-taken');
    const overlay = join(fixture.domains.dir, 'clone-overlay.qcow2');
    const steps: StepInput[] = [
      { op: 'run', says, changes: [overlay], argv: [...createOverlayArgv(QEMU_IMG, overlay, source.disk, 'qcow2')] as [string, ...string[]], creates: [overlay], progress: 'none', cancel: 'sigint' },
      {
        op: 'define',
        says,
        changes: [],
        domain: { uri: URI, uuid: virsh('domuuid', '--domain', source.name).trim(), name: source.name },
        virsh: 'virsh',
        edit: { kind: 'clone', name: taken.name, disks: { vda: overlay } },
        shows: [],
      },
    ];
    const watched = watchedJobs(join(fixture.scratch, 'clone-jobs'));
    const job = await watched.jobs.start(planOf(steps));
    const failed = await watched.until(job.id, ENDED);
    expect(failed.state).toBe('failed');
    expect(failed.left.map((said) => said.key)).toEqual(['jobs.left.failedAt', 'jobs.left.defineFailed', 'jobs.left.madeUnused']);
    expect(failed.left[2]!.values).toEqual({ path: overlay, domain: taken.name });
    expect(opens(overlay)).toBe(true);
    expect(virsh('dumpxml', '--inactive', '--domain', taken.name)).toContain(`<source file='${taken.disk}'/>`);
  });
});
