import { describe, expect, it } from 'vitest';
import type { Image } from '../images/model.js';
import type { Domain } from '../libvirt/model.js';
import { dependentsOf, heldBy } from './dependents.js';
import { ImageSnapshotIntent } from './intent.js';
import { plan } from './planners.js';
import { disk, domain, image, overlay, snapshot, world } from './world.test-support.js';

describe('which images, domains and snapshots use a file', () => {
  const base = image('/vm/base.qcow2');
  const top = overlay('/vm/top.qcow2', base);
  const web = domain('web', {
    disks: [disk('vda', ['/vm/top.qcow2', '/vm/base.qcow2'])],
    snapshots: [snapshot('s1', { stateFiles: ['/vm/base.qcow2'], disks: [{ target: 'vda', snapshot: 'external', file: '/vm/top.qcow2' }], memory: 'external', memoryFile: '/vm/s1.mem' })],
  });

  it('overlays by their resolved backing, disks by chain (active or not), snapshots by state, overlay and memory file', () => {
    const here = world({ images: [base, top], domains: [web] });
    const below = dependentsOf(here, '/vm/base.qcow2');
    expect(below.overlays.map((candidate) => candidate.path)).toEqual(['/vm/top.qcow2']);
    expect(below.disks.map((use) => [use.domain.name, use.disk.target, use.active])).toEqual([['web', 'vda', false]]);
    expect(below.snapshots.map((use) => [use.snapshot.name, use.as])).toEqual([['s1', 'state']]);
    expect(dependentsOf(here, '/vm/top.qcow2').disks[0]!.active).toBe(true);
    expect(dependentsOf(here, '/vm/top.qcow2').snapshots.map((use) => use.as)).toEqual(['overlay']);
    expect(dependentsOf(here, '/vm/s1.mem').snapshots.map((use) => use.as)).toEqual(['memory']);
    expect(dependentsOf(here, '/vm/nothing.qcow2')).toEqual({ overlays: [], disks: [], snapshots: [] });
  });

  it('a running or paused domain holds its whole chain; a shut-off one holds nothing', () => {
    expect(heldBy(world({ images: [base, top], domains: [{ ...web, state: 'paused' }] }), '/vm/base.qcow2')).toHaveLength(1);
    expect(heldBy(world({ images: [base, top], domains: [{ ...web, state: 'shut off' }] }), '/vm/base.qcow2')).toEqual([]);
  });

  it('a layer libvirt names by another path (a symlink) is found through the link step', () => {
    const linked = domain('web', { disks: [disk('vda', ['/links/top.qcow2'])] });
    const seen = { ...top, usedBy: [{ domain: 'web', uuid: 'uuid-web', target: 'vda', active: true }] };
    expect(heldBy(world({ images: [base, seen], domains: [linked] }), '/vm/top.qcow2').map((use) => use.disk.target)).toEqual(['vda']);
  });

  it('a domain on another host says nothing of a file here', () => {
    const here = world({ images: [base, top], domains: [web] });
    const remote = { ...here, connections: here.connections.map((connection) => ({ ...connection, uri: 'qemu+ssh://kvm1/system' })) };
    expect(dependentsOf(remote, '/vm/base.qcow2').disks).toEqual([]);
  });

  it('on a 10,000-image forest, a plan finds the one overlay and the one running domain among them', () => {
    // 2,000 chains of five layers; every tenth chain's top is a running domain's disk.
    const images: Image[] = [];
    const domains: Domain[] = [];
    for (let chain = 0; chain < 2000; chain++) {
      let below = image(`/vm/c${chain}/l0.qcow2`);
      images.push(below);
      for (let level = 1; level < 5; level++) {
        below = overlay(`/vm/c${chain}/l${level}.qcow2`, below);
        images.push(below);
      }
      if (chain % 10 === 0) domains.push(domain(`d${chain}`, { disks: [disk('vda', [4, 3, 2, 1, 0].map((level) => `/vm/c${chain}/l${level}.qcow2`))] }));
    }
    const big = world({ images, domains });
    expect(images).toHaveLength(10_000);
    const onBacking = plan(ImageSnapshotIntent.parse({ kind: 'image-snapshot', image: '/vm/c1234/l2.qcow2', name: 's' }), big);
    expect(onBacking.blockers.map((blocker) => [blocker.code, blocker.values])).toEqual([['backing-file', { path: '/vm/c1234/l2.qcow2', overlays: '/vm/c1234/l3.qcow2' }]]);
    const held = plan(ImageSnapshotIntent.parse({ kind: 'image-snapshot', image: '/vm/c1230/l4.qcow2', name: 's' }), big);
    expect(held.blockers.map((blocker) => [blocker.code, blocker.values.domain])).toEqual([['held-by-qemu', 'd1230']]);
    expect(plan(ImageSnapshotIntent.parse({ kind: 'image-snapshot', image: '/vm/c1231/l4.qcow2', name: 's' }), big).blockers).toEqual([]);
  });
});
