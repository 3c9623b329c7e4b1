import { describe, expect, it } from 'vitest';
import { CheckIntent } from './intent.js';
import type { RunStep } from './plan.js';
import { plan } from './planners.js';
import { HOSTILE, disk, domain, image, overlay, world } from './world.test-support.js';

const base = image('/vm/base.img', { format: 'raw' });
const mid = overlay('/vm/mid.qcow2', base);
const top = overlay('/vm/top.qcow2', mid);
const images = [base, mid, top];
const intent = (fields: object = {}) => CheckIntent.parse({ kind: 'check', image: '/vm/top.qcow2', ...fields });
const argvs = (draft: ReturnType<typeof plan>) => draft.steps.map((step) => (step as RunStep).argv.slice(1));

describe('check', () => {
  it('an image, its findings kept for the inspector, exit codes 2 and 3 counted as a check that ran', () => {
    const draft = plan(intent(), world({ images }));
    expect(draft.blockers).toEqual([]);
    expect(argvs(draft)).toEqual([['check', '--output=json', '-f', 'qcow2', '--', '/vm/top.qcow2']]);
    expect(draft.steps[0]).toMatchObject({ okExitCodes: [0, 2, 3], keepOutput: true, cancel: 'sigint', changes: [] });
  });

  it('a whole chain: each layer that qemu-img can check (a raw base has nothing to check)', () => {
    expect(argvs(plan(intent({ chain: true }), world({ images })))).toEqual([
      ['check', '--output=json', '-f', 'qcow2', '--', '/vm/top.qcow2'],
      ['check', '--output=json', '-f', 'qcow2', '--', '/vm/mid.qcow2'],
    ]);
  });

  it('an image a running QEMU holds is read with -U, with the warning that leaks may be false', () => {
    const web = domain('web', { disks: [disk('vda', ['/vm/top.qcow2', '/vm/mid.qcow2', '/vm/base.img'])] });
    const draft = plan(intent(), world({ images, domains: [web] }));
    expect(argvs(draft)).toEqual([['check', '-U', '--output=json', '-f', 'qcow2', '--', '/vm/top.qcow2']]);
    expect(draft.warnings.map((warning) => warning.key)).toEqual(['plans.warning.checkShared']);
  });

  it('a lower layer of a running chain is read with -U too, with no warning: QEMU does not write it', () => {
    const web = domain('web', { disks: [disk('vda', ['/vm/top.qcow2', '/vm/mid.qcow2', '/vm/base.img'])] });
    const draft = plan(intent({ image: '/vm/mid.qcow2' }), world({ images, domains: [web] }));
    expect(argvs(draft)).toEqual([['check', '-U', '--output=json', '-f', 'qcow2', '--', '/vm/mid.qcow2']]);
    expect(draft.warnings).toEqual([]);
  });

  it('rule 2: a repair of an image a running QEMU holds is blocked; shut the domain off first', () => {
    const web = domain('web', { disks: [disk('vda', ['/vm/top.qcow2'])] });
    const [blocker] = plan(intent({ repair: 'leaks' }), world({ images, domains: [web] })).blockers;
    expect(blocker).toMatchObject({ code: 'held-by-qemu', alternatives: [{ key: 'plans.alternative.shutOff' }] });
  });

  it('rule 2: an image a QEMU libvirt does not run holds (qemu-nbd, qemu-io) is read with -U, and never repaired under it', () => {
    expect(argvs(plan(intent(), world({ images, qemuHolds: ['/vm/top.qcow2'] })))).toEqual([['check', '-U', '--output=json', '-f', 'qcow2', '--', '/vm/top.qcow2']]);
    const repair = plan(intent({ repair: 'leaks' }), world({ images, qemuHolds: ['/vm/top.qcow2'] }));
    expect(repair.blockers).toMatchObject([{ code: 'held-outside', values: { path: '/vm/top.qcow2' } }]);
  });

  it('a repair writes, waits for itself on cancel, and says what it can lose', () => {
    const leaks = plan(intent({ repair: 'leaks' }), world({ images }));
    expect(argvs(leaks)).toEqual([['check', '-r', 'leaks', '--output=json', '-f', 'qcow2', '--', '/vm/top.qcow2']]);
    expect(leaks.steps[0]).toMatchObject({ cancel: 'wait', changes: ['/vm/top.qcow2'] });
    expect(leaks.warnings.map((warning) => warning.key)).toEqual(['plans.warning.repairLeaks']);
    const all = plan(intent({ repair: 'all' }), world({ images }));
    expect(all.warnings[0]!.message).toBe('qemu-img check -r all writes into /vm/top.qcow2: it also fixes corruptions, and may discard the data of corrupt clusters.');
  });

  it('rule 1: a repair -r all of a backing file says that the images built on it lose what it discards', () => {
    const draft = plan(intent({ image: '/vm/mid.qcow2', repair: 'all' }), world({ images }));
    expect(draft.warnings.map((warning) => warning.key)).toEqual(['plans.warning.repairAll', 'plans.warning.repairDependents']);
    expect(draft.warnings[1]!.values).toEqual({ path: '/vm/mid.qcow2', overlays: '/vm/top.qcow2' });
    expect(plan(intent({ image: '/vm/mid.qcow2', repair: 'leaks' }), world({ images })).warnings.map((warning) => warning.key)).toEqual(['plans.warning.repairLeaks']);
  });

  it('a raw image asked for by itself is blocked: qemu-img has no check for it', () => {
    expect(plan(intent({ image: '/vm/base.img' }), world({ images })).blockers.map((blocker) => blocker.code)).toEqual(['no-check']);
  });

  it('a damaged image is still checked: that is how it is looked at', () => {
    const damaged = { ...top, corrupt: true, problems: [{ code: 'corrupt' as const, key: '', values: {}, message: '' }] };
    expect(plan(intent(), world({ images: [base, mid, damaged] })).blockers).toEqual([]);
  });

  it.each(HOSTILE)('the file name %j reaches qemu-img as itself, after --', (name) => {
    const path = `/vm/${name}.qcow2`;
    const draft = plan(intent({ image: path }), world({ images: [image(path)] }));
    expect((draft.steps[0] as RunStep).argv.slice(-2)).toEqual(['--', path]);
  });
});
