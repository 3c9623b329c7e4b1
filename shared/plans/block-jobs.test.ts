import { describe, expect, it } from 'vitest';
import { Intent } from './intent.js';
import { plan } from './planners.js';
import { URI, disk, domain, image, overlay, world } from './world.test-support.js';

const base = image('/vm/web.qcow2');
const top = overlay('/vm/web.s1.qcow2', base);
const commitJob = { type: 'Active Block Commit', cur: 33554431, end: 33554432 };
const web = (blockJob?: typeof commitJob) => domain('web', { disks: [disk('vda', ['/vm/web.s1.qcow2', '/vm/web.qcow2'], blockJob === undefined ? {} : { blockJob })] });
const others = domain('other', { disks: [disk('vda', ['/vm/other.qcow2'], { blockJob: commitJob })] });

describe('a block job that a plan did not start', () => {
  it.each([
    ['a snapshot', { kind: 'snapshot', uri: URI, domain: 'web', name: 's2' }],
    ['a disk-only snapshot', { kind: 'snapshot', uri: URI, domain: 'web', name: 's2', snapshot: 'disk-only' }],
    ['a live commit', { kind: 'commit', image: '/vm/web.s1.qcow2' }],
  ])('blocks %s of the domain whose disk it runs on, saying what runs and how to end it', (_, given) => {
    const draft = plan(Intent.parse(given), world({ images: [base, top, image('/vm/other.qcow2')], domains: [web(commitJob), others] }));
    const blocker = draft.blockers.find((candidate) => candidate.code === 'block-job-running');
    expect(blocker).toMatchObject({ values: { domain: 'web', disk: 'vda', type: 'Active Block Commit', percent: 99 }, alternatives: [{ key: 'plans.alternative.blockJobEnds' }] });
    expect(blocker!.message).toBe('A block job (Active Block Commit, 99 %) is running on the disk vda of web, not started by this plan: libvirt runs one block job per disk, and would refuse this plan partway.');
    expect(blocker!.alternatives[0]).toMatchObject({
      message: 'Wait until it ends, or stop it with this command, then plan again.',
      commands: ['/usr/bin/virsh -c qemu:///system blockjob --domain web --path vda --abort'],
    });
  });

  it.each([
    ['an active commit', 'Active Block Commit'],
    ['a copy', 'Block Copy'],
  ])('says that %s which has copied everything waits for its owner, with the pivot and the abort', (_, type) => {
    const ready = domain('web', { disks: [disk('vda', ['/vm/web.s1.qcow2', '/vm/web.qcow2'], { blockJob: { type, cur: 33554432, end: 33554432 } })] });
    const draft = plan(Intent.parse({ kind: 'snapshot', uri: URI, domain: 'web', name: 's2' }), world({ images: [base, top], domains: [ready] }));
    const blocker = draft.blockers.find((candidate) => candidate.code === 'block-job-running');
    expect(blocker).toMatchObject({ key: 'plans.blocker.blockJobWaitsForPivot', values: { domain: 'web', disk: 'vda', type } });
    expect(blocker!.message).toContain('waits to be pivoted or aborted: it does not end by itself');
    expect(blocker!.alternatives[0]!.commands).toEqual([
      '/usr/bin/virsh -c qemu:///system blockjob --domain web --path vda --pivot',
      '/usr/bin/virsh -c qemu:///system blockjob --domain web --path vda --abort',
    ]);
  });

  it('counts a pull whose figures have met as running: it ends by itself', () => {
    const pulling = domain('web', { disks: [disk('vda', ['/vm/web.s1.qcow2', '/vm/web.qcow2'], { blockJob: { type: 'Block Pull', cur: 512, end: 512 } })] });
    const draft = plan(Intent.parse({ kind: 'snapshot', uri: URI, domain: 'web', name: 's2' }), world({ images: [base, top], domains: [pulling] }));
    expect(draft.blockers.find((candidate) => candidate.code === 'block-job-running')).toMatchObject({ key: 'plans.blocker.blockJobRunning', values: { percent: 100 } });
  });

  it('names a domain in the command to stop the job as a shell reads it back', () => {
    const odd = domain("it's $(x)", { disks: [disk('vda', ['/vm/web.s1.qcow2', '/vm/web.qcow2'], { blockJob: commitJob })] });
    const draft = plan(Intent.parse({ kind: 'snapshot', uri: URI, domain: "it's $(x)", name: 's2' }), world({ images: [base, top], domains: [odd] }));
    expect(draft.blockers.at(-1)!.alternatives[0]!.commands).toEqual([`/usr/bin/virsh -c qemu:///system blockjob --domain 'it'\\''s $(x)' --path vda --abort`]);
  });

  it("leaves a plan alone when the job runs on another domain's disk, or on none", () => {
    const images = [base, top, image('/vm/other.qcow2')];
    expect(plan(Intent.parse({ kind: 'snapshot', uri: URI, domain: 'web', name: 's2' }), world({ images, domains: [web(), others] })).blockers).toEqual([]);
  });
});
