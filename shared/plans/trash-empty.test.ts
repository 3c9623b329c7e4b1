import { describe, expect, it } from 'vitest';
import type { TrashEntry } from '../jobs/model.js';
import { TrashEmptyIntent } from './intent.js';
import type { PurgeStep } from './plan.js';
import { plan } from './planners.js';
import { disk, domain, image, overlay, snapshot, world } from './world.test-support.js';

const entry = (job: string, path: string, bytes: number): TrashEntry => {
  const at = path.lastIndexOf('/');
  return { job, path, trashed: `${path.slice(0, at)}/.snaptree-trash/${job}${path.slice(at)}`, bytes, at: '2026-12-01T09:00:00Z' };
};
const trash = [entry('j1', '/vm/a.img', 100), entry('j1', '/vm/b.img', 20), entry('j1', '/data/c.img', 3), entry('j2', '/vm/d.img', 4000)];

describe('emptying the trash', () => {
  it("rule 6: only this plan deletes, each job's trash folder in one step, and it says the bytes it frees", () => {
    const draft = plan(TrashEmptyIntent.parse({ kind: 'trash-empty' }), world({ trash }));
    expect(draft.blockers).toEqual([]);
    expect(draft.steps.map((step) => [(step as PurgeStep).folder, (step as PurgeStep).bytes])).toEqual([
      ['/vm/.snaptree-trash/j1', 120],
      ['/data/.snaptree-trash/j1', 3],
      ['/vm/.snaptree-trash/j2', 4000],
    ]);
    expect(draft.bytes).toBe(4123);
    expect(draft.title.message).toBe('Empty the trash: 4.0 KiB');
    expect(draft.steps[2]!.says.message).toBe('Delete /vm/.snaptree-trash/j2 for good, freeing 3.9 KiB.');
  });

  it("only the named jobs' folders", () => {
    const draft = plan(TrashEmptyIntent.parse({ kind: 'trash-empty', jobs: ['j2'] }), world({ trash }));
    expect(draft.steps.map((step) => (step as PurgeStep).folder)).toEqual(['/vm/.snaptree-trash/j2']);
  });

  it('is blocked when there is nothing to delete, or a named job left nothing', () => {
    expect(plan(TrashEmptyIntent.parse({ kind: 'trash-empty' }), world()).blockers.map((blocker) => blocker.code)).toEqual(['nothing-in-trash']);
    expect(plan(TrashEmptyIntent.parse({ kind: 'trash-empty', jobs: ['j9'] }), world({ trash })).blockers.map((blocker) => blocker.code)).toEqual(['no-such-trash']);
  });

  it("rule 1: a trashed file that a domain's disk or an overlay still names where it was is blocked, with a restore offered; a snapshot's state there is said lost", () => {
    const web = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/a.img'])], snapshots: [snapshot('s0', { stateFiles: ['/vm/b.img'] })] });
    const b = image('/vm/b.img');
    const draft = plan(TrashEmptyIntent.parse({ kind: 'trash-empty' }), world({ trash, domains: [web], images: [{ ...overlay('/data/top.qcow2', b), backing: { name: 'c.img', path: '/data/c.img', format: 'raw', exists: false, image: null } }] }));
    expect(draft.blockers).toMatchObject([
      { code: 'trashed-in-use', values: { path: '/vm/a.img', users: 'web (vda)' }, alternatives: [{ key: 'plans.alternative.restore', values: { job: 'j1' } }] },
      { code: 'trashed-in-use', values: { path: '/data/c.img', users: '/data/top.qcow2' } },
    ]);
    expect(draft.lost).toMatchObject([{ key: 'plans.lost.trashedState', values: { name: 's0', domain: 'web', path: '/vm/b.img' } }]);
  });

  it('a trashed file whose old path holds another file again is deleted: what names the path reads that one', () => {
    const web = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/a.img'])] });
    expect(plan(TrashEmptyIntent.parse({ kind: 'trash-empty' }), world({ trash, domains: [web], existing: ['/vm/a.img'] })).blockers).toEqual([]);
  });
});
