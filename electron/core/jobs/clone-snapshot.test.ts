/**
 * Clones from a snapshot run for real (issue 11): the planner's plan on qemu:///system with
 * TCG guests of no OS. The clone reads the snapshot's bytes and starts; the source domain,
 * its definition and its files stay as they were.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomains, URI, virsh, type TestDomains } from '../libvirt/domains.test-support.js';
import { guestBytes, write } from './guest-data.test-support.js';
import { QEMU_IMG } from './jobs.test-support.js';
import { guestWrites, runIntent, sources, state } from './revert.test-support.js';

let domains: TestDomains;
beforeAll(() => {
  domains = testDomains();
});
afterAll(() => {
  domains.remove();
});

const NIC = "<interface type='user'><mac address='52:54:00:5a:17:01'/><model type='virtio'/></interface>";
const macOf = (name: string) => /<mac address='([^']+)'/.exec(virsh('dumpxml', '--domain', name, '--inactive'))?.[1];

describe('a clone from a snapshot', () => {
  it('of an external snapshot of a running domain: a linked clone on a new overlay on the state file, with a new UUID and MAC; it starts and reads the snapshot\'s bytes', async () => {
    const { name, disk } = domains.define('src', { devices: NIC });
    write(disk, 0x51, '0', '1M');
    virsh('start', '--domain', name);
    const overlay = join(domains.dir, 'src.e1.qcow2');
    virsh('snapshot-create-as', '--domain', name, '--name', 'e1 ✓', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${overlay}`);
    const atSnapshot = guestBytes(disk, domains.dir);
    // The guest writes on after the snapshot: a clone of NOW would read these bytes.
    guestWrites(name, 0x52, '0', '1M');
    const now = guestBytes(overlay, domains.dir);
    expect(now).not.toBe(atSnapshot);
    const sourceXml = virsh('dumpxml', '--domain', name, '--inactive');
    const clone = `${domains.prefix}-clone "q" ✓`;

    const { plan } = await runIntent(domains.dir, { kind: 'clone', uri: URI, domain: name, snapshot: 'e1 ✓', name: clone });
    expect(plan.creates).toEqual([join(domains.dir, `src.${domains.prefix}-clone__q___.qcow2`)]);
    const [fresh] = plan.creates;
    expect(sources(clone, { inactive: true })).toEqual({ vda: fresh });
    expect(virsh('domuuid', '--domain', clone).trim()).not.toBe(virsh('domuuid', '--domain', name).trim());
    expect(macOf(clone)).toMatch(/^52:54:00:/);
    expect(macOf(clone)).not.toBe('52:54:00:5a:17:01');
    virsh('start', '--domain', clone);
    expect(state(clone)).toBe('running');
    expect(guestBytes(fresh!, domains.dir)).toBe(atSnapshot);
    // The source runs on as it did, on its own overlay, its definition unchanged.
    expect(state(name)).toBe('running');
    expect(sources(name)).toEqual({ vda: overlay });
    expect(virsh('dumpxml', '--domain', name, '--inactive')).toBe(sourceXml);
    expect(guestBytes(disk, domains.dir)).toBe(atSnapshot);
    expect(guestBytes(overlay, domains.dir)).toBe(now);
  }, 120_000);

  it('of an internal snapshot of a running domain: a full copy of the snapshot (qemu-img convert -U -l), its size said', async () => {
    const { name, disk } = domains.define('int');
    write(disk, 0x61, '0', '2M');
    virsh('start', '--domain', name);
    virsh('snapshot-create-as', '--domain', name, '--name', 'i1');
    const atSnapshot = guestBytes(disk, domains.dir, 'i1');
    // The guest writes on after the snapshot: a copy of NOW would read these bytes.
    guestWrites(name, 0x62, '1M', '2M');
    const now = guestBytes(disk, domains.dir);
    expect(now).not.toBe(atSnapshot);
    const clone = `${domains.prefix}-copy`;

    const { plan } = await runIntent(domains.dir, { kind: 'clone', uri: URI, domain: name, snapshot: 'i1', name: clone });
    // Taken running, the snapshot kept the guest's RAM too: the clone does not get it, and says so.
    expect(plan.warnings.map((said) => said.key)).toEqual(['plans.cloneSnapshot.warning.fullCopy', 'plans.cloneSnapshot.warning.readsShared', 'plans.cloneSnapshot.warning.bootsAfresh']);
    // What qemu-img measures the copy at the snapshot takes: the disk also holds the guest's RAM at the snapshot, and its writes since.
    const { required } = JSON.parse(execFileSync(QEMU_IMG, ['measure', '--output=json', '-U', '-f', 'qcow2', '-O', 'qcow2', '-l', 'snapshot.name=i1', '--', disk], { encoding: 'utf8' })) as { required: number };
    expect(plan.bytes).toBe(required);
    expect(statSync(disk).blocks * 512 - required).toBeGreaterThan(2 << 20);
    const [copy] = plan.creates;
    expect(statSync(copy!).size).toBe(required);
    expect(guestBytes(copy!, domains.dir)).toBe(atSnapshot);
    virsh('start', '--domain', clone);
    expect(state(clone)).toBe('running');
    expect(state(name)).toBe('running');
    expect(guestBytes(disk, domains.dir)).toBe(now);
  }, 120_000);
});
