import { describe, expect, it } from 'vitest';
import type { TrashEntry } from '../jobs/model.js';
import { TrashEmptyIntent } from './intent.js';
import type { PurgeStep } from './plan.js';
import { plan } from './planners.js';
import { world } from './world.test-support.js';

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
});
