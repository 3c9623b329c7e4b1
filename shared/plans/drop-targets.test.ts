import { describe, expect, it } from 'vitest';
import { dropTargets } from './drop-targets.js';
import { bare, base, ofDomain, sn1, sn2, sn3, withSibling } from './merge.test-support.js';
import { image, world } from './world.test-support.js';

const summary = (targets: ReturnType<typeof dropTargets>) => targets.map((one) => [one.path, one.gesture, one.allowed, one.reason?.key ?? null]);

describe('the drop targets of a dragged image', () => {
  it('a middle layer: a commit into each image below it, a pull into the overlay above it; nothing outside its chains', () => {
    const targets = dropTargets(world({ images: [...bare.images!, image('/vm/other.qcow2')] }), sn2.path);
    expect(summary(targets)).toEqual([
      [sn1.path, 'commit', true, null],
      [base.path, 'commit', true, null],
      // sn3 already backs onto sn2: no layer between to pull.
      [sn3.path, 'pull', false, 'plans.merge.blocker.nothingBetween'],
    ]);
  });

  it('the base: every overlay above it may be flattened', () => {
    expect(summary(dropTargets(world(bare), base.path))).toEqual([
      [sn1.path, 'pull', true, null],
      [sn2.path, 'pull', true, null],
      [sn3.path, 'pull', true, null],
    ]);
  });

  it("each refusal is the planner's reason: a base with other overlays, a layer below a running domain's active one", () => {
    expect(dropTargets(world(withSibling(sn1)), sn2.path)[0]).toMatchObject({ path: sn1.path, allowed: false, reason: { key: 'plans.merge.blocker.baseShared', values: { users: '/vm/sibling.qcow2' } } });
    const running = dropTargets(world(ofDomain()), base.path);
    expect(summary(running)).toEqual([
      [sn1.path, 'pull', false, 'plans.merge.blocker.pullNotActive'],
      [sn2.path, 'pull', false, 'plans.merge.blocker.pullNotActive'],
      [sn3.path, 'pull', true, null],
    ]);
  });

  it('an image the forest does not have has none', () => {
    expect(dropTargets(world(bare), '/vm/gone.qcow2')).toEqual([]);
  });
});
