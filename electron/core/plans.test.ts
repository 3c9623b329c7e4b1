import { describe, expect, it } from 'vitest';
import type { Linked } from '../../shared/libvirt/link.js';
import { Intent } from '../../shared/plans/intent.js';
import { PlanDraftSchema } from '../../shared/plans/plan.js';
import { plan } from '../../shared/plans/planners.js';
import { disk, domain, image, overlay, URI, world } from '../../shared/plans/world.test-support.js';
import type { Host } from './host/host.js';
import type { Jobs } from './jobs/jobs.js';
import { makePlan, planId, type PlanSources } from './plans.js';

// The plan that runs is the plan that was shown: its id must change with every fact the
// plan stands on, and with nothing else.
const base = image('/vm/base.qcow2');
const active = overlay('/vm/web.qcow2', base);
const web = domain('web', { disks: [disk('vda', [active.path, base.path])] });
const intent = Intent.parse({ kind: 'snapshot', uri: URI, domain: 'web', name: 's1', snapshot: 'disk-only' });

function idOn(images: ReturnType<typeof image>[], domains = [web]): string {
  const shown = world({ images, domains });
  const draft = PlanDraftSchema.parse(plan(intent, shown));
  const view: Linked = { images: [...shown.forest.images], connections: [...shown.connections] };
  return planId(draft, view);
}

describe('a plan id', () => {
  it('stays the same while a running guest writes: its active layer grows, the plan does not change', () => {
    expect(idOn([base, { ...active, actualSize: active.actualSize * 40 }])).toBe(idOn([base, active]));
  });

  it('changes when a header it stands on changes (a new backing file), or the domain stops', () => {
    const before = idOn([base, active]);
    const elsewhere = image('/vm/other.qcow2');
    expect(idOn([base, elsewhere, overlay(active.path, elsewhere)])).not.toBe(before);
    expect(idOn([base, active], [{ ...web, state: 'shut off' }])).not.toBe(before);
  });
});

describe('a plan to empty the trash', () => {
  it('keeps its id while the file system settles what the trashed files occupy', () => {
    const trashed = (bytes: number) => ({ job: 'j1', path: '/vm/half.qcow2', trashed: '/vm/.snaptree-trash/j1/half.qcow2', bytes, at: '2026-12-01T09:00:00Z' });
    const idWith = (bytes: number) => {
      const shown = world({ trash: [trashed(bytes)] });
      const draft = PlanDraftSchema.parse(plan(Intent.parse({ kind: 'trash-empty' }), shown));
      return planId(draft, { images: [], connections: [] });
    };
    expect(idWith(29_626_368)).toBe(idWith(29_364_224));
    // Even where the figure said in its sentences changes ("28 MiB" to "30 MiB"): the sentence is the key and its values.
    expect(idWith(29_364_224)).toBe(idWith(31_457_280));
  });
});

describe('the facts a plan is made on', () => {
  it('hold the trash only for the planners that weigh it: reading it grows with the journal, and a snapshot or a convert never needs it', async () => {
    let trashReads = 0;
    const shown = world({ images: [base, active], domains: [web] });
    const sources: PlanSources = {
      host: { findProgram: async (program: string) => `/usr/bin/${program}` } as unknown as Host,
      view: async () => ({ images: [...shown.forest.images], connections: [...shown.connections] }),
      jobs: () => ({ trash: async () => (trashReads++, []), heldFiles: () => [] }) as unknown as Jobs,
      dataDir: '/nonexistent/snaptree',
    };
    // Planned on files that are not there (blocked for want of their folder): planned all the same.
    expect((await makePlan(sources, { kind: 'snapshot', uri: URI, domain: 'web', name: 's1', snapshot: 'disk-only' })).steps.length).toBe(1);
    expect((await makePlan(sources, { kind: 'convert', image: base.path, path: '/nonexistent/new.qcow2' })).steps.length).toBe(1);
    expect(trashReads).toBe(0);
    expect((await makePlan(sources, { kind: 'trash-empty' })).blockers.map((blocker) => blocker.code)).toEqual(['nothing-in-trash']);
    await makePlan(sources, { kind: 'commit', image: active.path });
    expect(trashReads).toBe(2);
  });
});
