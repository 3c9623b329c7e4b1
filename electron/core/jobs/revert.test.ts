/**
 * Reverts run for real (issue 11): the planner's plan on qemu:///system (libvirt 9.0) with
 * TCG guests of no OS, and qemu-img. Data is written at each stage with qemu-io, and what
 * the user notices is asserted: the guest-visible bytes of every chain that must not change,
 * the files every chain needs, and virsh's state, current snapshot, tree and disk sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomains, URI, virsh, type TestDomains } from '../libvirt/domains.test-support.js';
import { ENDED, watchedJobs } from './jobs.test-support.js';
import { guestBytes, write } from './guest-data.test-support.js';
import { current, parents, planNow, runIntent, sources, state, viewNow } from './revert.test-support.js';

let domains: TestDomains;
beforeAll(() => {
  domains = testDomains();
});
afterAll(() => {
  domains.remove();
});

describe('a revert to an internal snapshot', () => {
  it('of a running domain, back paused and then running, with the disk as it was at the snapshot', async () => {
    const { name, disk } = domains.define('internal');
    write(disk, 0x11, '0', '1M');
    virsh('start', '--domain', name);
    virsh('snapshot-create-as', '--domain', name, '--name', 's1');
    const atSnapshot = guestBytes(disk, domains.dir, 's1');
    virsh('destroy', '--domain', name);
    write(disk, 0x22, '0', '2M');
    virsh('start', '--domain', name);
    expect(guestBytes(disk, domains.dir)).not.toBe(atSnapshot);

    const paused = await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 's1', state: 'paused' });
    expect(paused.plan.lost.map((said) => said.key)).toEqual(['plans.revert.lost.now', 'plans.revert.lost.ram']);
    expect(state(name)).toBe('paused');
    expect(current(name)).toBe('s1');
    expect(guestBytes(disk, domains.dir)).toBe(atSnapshot);

    await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 's1', state: 'running' });
    expect(state(name)).toBe('running');
    expect(guestBytes(disk, domains.dir)).toBe(atSnapshot);

    // "Snapshot NOW first": NOW is kept as a snapshot beside the reverted one, and nothing is lost.
    virsh('destroy', '--domain', name);
    write(disk, 0x33, '0', '3M');
    virsh('start', '--domain', name);
    const now = guestBytes(disk, domains.dir);
    const kept = await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 's1', first: { snapshot: 'internal', name: 'keep ✓' } });
    expect(kept.plan.lost).toEqual([]);
    expect(current(name)).toBe('s1');
    expect(parents(name)).toEqual({ s1: '', 'keep ✓': 's1' });
    expect(guestBytes(disk, domains.dir, 'keep ✓')).toBe(now);
    expect(guestBytes(disk, domains.dir)).toBe(atSnapshot);
  }, 120_000);
});

describe('a revert to an internal snapshot older than an external one (reference 3.6)', () => {
  it('is refused: libvirt would put the disk back on the layer that holds it and rewrite it under the overlay built on it', async () => {
    const { name, disk } = domains.define('cut');
    write(disk, 0x81, '0', '1M');
    virsh('snapshot-create-as', '--domain', name, '--name', 'i1');
    const top = join(domains.dir, 'cut.e1.qcow2');
    virsh('snapshot-create-as', '--domain', name, '--name', 'e1', '--disk-only', '--diskspec', `vda,snapshot=external,file=${top}`);
    write(top, 0x82, '0', '1M');
    const plan = await planNow(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 'i1' });
    expect(plan.blockers.map((blocker) => [blocker.code, blocker.values.path, blocker.values.overlays])).toEqual([['revert-rewrites-backing', disk, top]]);
  }, 60_000);
});

describe('a revert to an external snapshot on libvirt 9.0', () => {
  it('of a shut-off domain with two disks and names with spaces, quotes and Unicode: a new branch; a new snapshot is its child; and back to the old branch', async () => {
    const second = join(domains.dir, `data "b" it's ✓ 日本.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', second, '16M']);
    const { name, disk } = domains.define('ext', { devices: `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file="${second.replaceAll('"', '&quot;')}"/><target dev='vdb' bus='virtio'/></disk>` });
    write(disk, 0x11, '0', '1M');
    write(second, 0x12, '0', '1M');
    const s1 = `s1 "first" ✓`;
    const s2 = `s2 it's 日本`;
    const files = (tag: string) => [join(domains.dir, `ext.${tag}.qcow2`), join(domains.dir, `data b ${tag} ✓.qcow2`)];
    const [a1, b1] = files('one');
    const [a2, b2] = files('two');
    virsh('snapshot-create-as', '--domain', name, '--name', s1, '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${a1}`, '--diskspec', `vdb,snapshot=external,file=${b1}`);
    write(a1!, 0x21, '1M', '1M');
    write(b1!, 0x22, '1M', '1M');
    virsh('snapshot-create-as', '--domain', name, '--name', s2, '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${a2}`, '--diskspec', `vdb,snapshot=external,file=${b2}`);
    write(a2!, 0x31, '2M', '1M');
    write(b2!, 0x32, '2M', '1M');
    const bytes = (path: string) => guestBytes(path, domains.dir);
    const before = { a: bytes(disk), b: bytes(second), a1: bytes(a1!), b1: bytes(b1!), a2: bytes(a2!), b2: bytes(b2!) };

    const { plan } = await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: s1 });
    const [r1, rb1] = plan.creates;
    expect(plan.creates).toEqual([join(domains.dir, 'ext.s1__first___-r1.qcow2'), join(domains.dir, 'data "b" it\'s ✓ 日本.s1__first___-r1.qcow2')]);
    expect(plan.warnings.map((said) => said.key)).toContain('plans.revert.warning.keptBranch');
    expect(state(name)).toBe('shut off');
    expect(current(name)).toBe(s1);
    expect(sources(name, { inactive: true })).toEqual({ vda: r1, vdb: rb1 });
    // The new branch reads the snapshot's state; every file of the old branch reads as before.
    expect([bytes(r1!), bytes(rb1!)]).toEqual([before.a, before.b]);
    expect({ a: bytes(disk), b: bytes(second), a1: bytes(a1!), b1: bytes(b1!), a2: bytes(a2!), b2: bytes(b2!) }).toEqual(before);

    // The forest shows the branch point, and s2 is on the other branch, intact, not stale.
    const view = await viewNow(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: s2 });
    expect(view.images.filter((image) => image.backing?.image === disk).map((image) => image.path).sort()).toEqual([a1, r1].sort());
    const listed = view.connections[0]!.domains.find((candidate) => candidate.name === name)!.snapshots.find((candidate) => candidate.name === s2)!;
    expect(listed).toMatchObject({ otherBranch: true, problems: [] });

    // A snapshot taken next hangs under s1, beside s2.
    virsh('snapshot-create-as', '--domain', name, '--name', 's3', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${join(domains.dir, 'ext.s3.qcow2')}`, '--diskspec', `vdb,snapshot=external,file=${join(domains.dir, 'b.s3.qcow2')}`);
    expect(parents(name)).toEqual({ [s1]: '', [s2]: s1, s3: s1 });

    // Back to s2, on the other branch: its state is below s2's overlays, the files s1 made.
    const back = await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: s2, state: 'running' });
    const [r2, rb2] = back.plan.creates;
    expect(state(name)).toBe('running');
    expect(current(name)).toBe(s2);
    expect(sources(name)).toEqual({ vda: r2, vdb: rb2 });
    expect(sources(name, { inactive: true })).toEqual({ vda: r2, vdb: rb2 });
    expect([bytes(r2!), bytes(rb2!)]).toEqual([before.a1, before.b1]);
    expect({ a1: bytes(a1!), b1: bytes(b1!), a2: bytes(a2!), b2: bytes(b2!) }).toEqual({ a1: before.a1, b1: before.b1, a2: before.a2, b2: before.b2 });
    for (const path of [disk, second, a1!, b1!, a2!, b2!, r1!, rb1!]) expect(existsSync(path), path).toBe(true);
  }, 180_000);

  it('of a domain with a managed save: the save is dropped, and the guest boots afresh on the new overlay, not resumed on the old branch', async () => {
    const { name, disk } = domains.define('saved');
    write(disk, 0x71, '0', '1M');
    virsh('start', '--domain', name);
    const overlay = join(domains.dir, 'saved.d1.qcow2');
    virsh('snapshot-create-as', '--domain', name, '--name', 'd1', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${overlay}`);
    virsh('managedsave', '--domain', name);
    expect(virsh('domstate', '--domain', name, '--reason').trim()).toBe('shut off (saved)');

    const { plan } = await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 'd1' });
    expect(plan.lost.map((said) => said.key)).toEqual(['plans.revert.lost.managedSave']);
    const [fresh] = plan.creates;
    expect(virsh('domstate', '--domain', name, '--reason').trim()).toBe('running (booted)');
    expect(sources(name)).toEqual({ vda: fresh });
    expect(virsh('dominfo', '--domain', name)).toMatch(/Managed save:\s+no/);
    expect(guestBytes(fresh!, domains.dir)).toBe(guestBytes(disk, domains.dir));
    expect(existsSync(overlay)).toBe(true);
  }, 120_000);

  it('to a system checkpoint of a running domain: it comes back running from the saved memory on a new overlay, the old branch reads as before', async () => {
    const { name, disk } = domains.define('mem');
    write(disk, 0x41, '0', '1M');
    virsh('start', '--domain', name);
    const overlay = join(domains.dir, 'mem.c1.qcow2');
    const memory = join(domains.dir, 'mem.c1.mem');
    virsh('snapshot-create-as', '--domain', name, '--name', 'c1', '--atomic', '--memspec', `file=${memory},snapshot=external`, '--diskspec', `vda,snapshot=external,file=${overlay}`);
    // The old branch gets data of its own (written while shut off: qemu-io needs the lock).
    virsh('destroy', '--domain', name);
    write(overlay, 0x42, '1M', '1M');
    virsh('start', '--domain', name);
    const base = guestBytes(disk, domains.dir);
    const old = guestBytes(overlay, domains.dir);

    const { plan } = await runIntent(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 'c1' });
    expect(plan.steps.map((step) => step.op)).toEqual(['run', 'run', 'define', 'restore', 'run']);
    expect((plan.steps[1] as { argv: string[] }).argv).toContain('destroy');
    expect(plan.lost.map((said) => said.key)).toEqual(['plans.revert.lost.ram']);
    const [fresh] = plan.creates;
    expect(fresh).toBe(join(domains.dir, 'mem.c1-r1.qcow2'));
    expect(state(name)).toBe('running');
    expect(virsh('domstate', '--domain', name, '--reason').trim()).toBe('running (restored)');
    expect(current(name)).toBe('c1');
    expect(sources(name)).toEqual({ vda: fresh });
    expect(sources(name, { inactive: true })).toEqual({ vda: fresh });
    expect(guestBytes(fresh!, domains.dir)).toBe(base);
    expect([guestBytes(disk, domains.dir), guestBytes(overlay, domains.dir)]).toEqual([base, old]);
    expect(existsSync(memory)).toBe(true);
  }, 180_000);

  it('stops nothing when its new overlay cannot be made: a file put at the path since the plan is kept, and the domain runs on as it was', async () => {
    const { name, disk } = domains.define('taken');
    virsh('start', '--domain', name);
    const overlay = join(domains.dir, 'taken.d1.qcow2');
    virsh('snapshot-create-as', '--domain', name, '--name', 'd1', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${overlay}`);
    virsh('snapshot-create-as', '--domain', name, '--name', 'd2', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${join(domains.dir, 'taken.d2.qcow2')}`);
    const xml = virsh('dumpxml', '--domain', name, '--inactive');
    const plan = await planNow(domains.dir, { kind: 'revert', uri: URI, domain: name, snapshot: 'd1' });
    expect(plan.blockers).toEqual([]);
    writeFileSync(plan.creates[0]!, 'precious');

    const watched = watchedJobs(join(domains.dir, 'state'));
    const job = await watched.until((await watched.jobs.start(plan)).id, ENDED);
    expect(job.state).toBe('failed');
    expect(job.steps[0]!.error?.message).toContain(plan.creates[0]);
    expect(readFileSync(plan.creates[0]!, 'utf8')).toBe('precious');
    expect(virsh('domstate', '--domain', name, '--reason').trim()).toBe('running (booted)');
    expect(virsh('dumpxml', '--domain', name, '--inactive')).toBe(xml);
    expect(current(name)).toBe('d2');
    expect(existsSync(disk)).toBe(true);
  }, 120_000);
});
