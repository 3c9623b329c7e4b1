/**
 * Worlds for the delete planner's table tests and the sentence test: a domain's chain of
 * external snapshots, and reference 6.2's two branches on one file after a revert.
 */
import type { Domain } from '../libvirt/model.js';
import { disk, domain, image, overlay, snapshot, type WorldParts } from './world.test-support.js';

// base <- a (made by s1) <- b (made by s2, the active layer)
export const base = image('/vm/base.qcow2');
export const a = overlay('/vm/a.qcow2', base);
export const b = overlay('/vm/b.qcow2', a);
export const s1 = snapshot('s1', { state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.qcow2' }], stateFiles: ['/vm/base.qcow2'] });
export const s2 = snapshot('s2', { parent: 's1', state: 'disk-snapshot', current: true, disks: [{ target: 'vda', snapshot: 'external', file: '/vm/b.qcow2' }], stateFiles: ['/vm/a.qcow2'] });
export const web = (fields: Partial<Domain> = {}): Domain => domain('web', { disks: [disk('vda', ['/vm/b.qcow2', '/vm/a.qcow2', '/vm/base.qcow2'])], snapshots: [s1, s2], ...fields });
export const chain: WorldParts = { images: [base, a, b], domains: [web()] };
export const shutOff: WorldParts = { images: [base, a, b], domains: [web({ state: 'shut off' })] };

// Reference 6.2: ext1 made e1 on a; mem1 made m on e1; after a revert to mem1 the domain runs r on e1 too.
export const baseA = image('/vm/a.qcow2');
export const e1 = overlay('/vm/e1.qcow2', baseA);
const m = overlay('/vm/m.qcow2', e1);
const r = overlay('/vm/r.qcow2', e1);
const ext1 = snapshot('ext1', { disks: [{ target: 'vda', snapshot: 'external', file: '/vm/e1.qcow2' }] });
const mem1 = snapshot('mem1', { parent: 'ext1', current: true, disks: [{ target: 'vda', snapshot: 'external', file: '/vm/m.qcow2' }] });
export const reverted = (state = 'running'): WorldParts => ({ images: [baseA, e1, m, r], domains: [domain('web', { state, disks: [disk('vda', ['/vm/r.qcow2', '/vm/e1.qcow2', '/vm/a.qcow2'])], snapshots: [ext1, mem1] })] });

/** The overlay `s` made is the running domain's active layer; the file below it (e1 on a, or a base) has another overlay x too. */
export function sharedBelowActive(below: 'e1' | 'base'): WorldParts {
  const under = below === 'e1' ? e1 : baseA;
  const chainOf = below === 'e1' ? ['/vm/r.qcow2', '/vm/e1.qcow2', '/vm/a.qcow2'] : ['/vm/r.qcow2', '/vm/a.qcow2'];
  return {
    images: [baseA, ...(below === 'e1' ? [e1] : []), overlay('/vm/r.qcow2', under), overlay('/vm/x.qcow2', under)],
    domains: [domain('web', { disks: [disk('vda', chainOf)], snapshots: [snapshot('s', { disks: [{ target: 'vda', snapshot: 'external', file: '/vm/r.qcow2' }] })] })],
  };
}

/** s1 made e1, and a running chain has top above it, with `twin` beside top: either another domain's, or another branch on a. */
export function innerLayer(twin: 'domain' | 'branch'): WorldParts {
  const top = overlay('/vm/top.qcow2', e1);
  const folded = snapshot('s1', { disks: [{ target: 'vda', snapshot: 'external', file: '/vm/e1.qcow2' }] });
  const owner = domain('web', { disks: [disk('vda', ['/vm/top.qcow2', '/vm/e1.qcow2', '/vm/a.qcow2'])], snapshots: [folded] });
  return twin === 'branch'
    ? { images: [baseA, e1, top, overlay('/vm/other.qcow2', baseA)], domains: [owner] }
    : { images: [baseA, e1, top, overlay('/vm/top2.qcow2', e1)], domains: [owner, domain('two', { disks: [disk('vda', ['/vm/top2.qcow2', '/vm/e1.qcow2', '/vm/a.qcow2'])] })] };
}

const internalOf = (id: string, name: string) => ({ id, name, date: `2026-11-2${id}T06:53:26Z`, vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null });
/** An image no domain uses, two of its internal snapshots named snap1, one named "1" (another's ID). */
export const lone = image('/vm/lone.qcow2', { snapshots: [internalOf('1', 'snap1'), internalOf('2', '1'), internalOf('3', 'snap1')] });
/** The overlay s1 made holds an internal snapshot of its own. */
export const overlayWithInternal: WorldParts = { images: [base, overlay('/vm/a.qcow2', base, { snapshots: [internalOf('1', 'later')] }), b], domains: [web()] };

/** Internal snapshots i1 (with memory) <- i2 (current) in the base of a domain that runs on it. */
export const internal: WorldParts = {
  images: [base],
  domains: [
    domain('web', {
      disks: [disk('vda', ['/vm/base.qcow2'])],
      snapshots: [
        snapshot('i1', { memory: 'internal', stateFiles: ['/vm/base.qcow2'], disks: [{ target: 'vda', snapshot: 'internal', file: null }] }),
        snapshot('i2', { parent: 'i1', current: true, disks: [{ target: 'vda', snapshot: 'internal', file: null }], stateFiles: ['/vm/base.qcow2'] }),
      ],
    }),
  ],
};

/** s1's overlay e1 is off any running chain, on a, which a running domain writes into itself. */
export const stateWritten: WorldParts = {
  images: [baseA, e1],
  domains: [domain('web', { disks: [disk('vda', ['/vm/a.qcow2'])], snapshots: [snapshot('s1', { disks: [{ target: 'vda', snapshot: 'external', file: '/vm/e1.qcow2' }] })] })],
};
