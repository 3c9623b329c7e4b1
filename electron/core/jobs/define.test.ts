/**
 * Define steps against the real libvirtd at qemu:///system, on test domains of their own
 * (unique names, removed afterwards).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefineStep, DomainEdit } from '../../../shared/plans/plan.js';
import { LocalHost } from '../host/local.js';
import { testDomains, URI, virsh, type TestDomains } from '../libvirt/domains.test-support.js';
import { runDefineStep } from './define.js';

const host = new LocalHost();
let domains: TestDomains;

beforeAll(() => {
  domains = testDomains();
});
afterAll(() => domains?.remove());

function defineStep(domain: { name: string }, edit: DomainEdit): DefineStep {
  const uuid = virsh('domuuid', '--domain', domain.name).trim();
  return { op: 'define', says: { key: 'test.define', values: {}, message: 'define' }, changes: [], domain: { uri: URI, uuid, name: domain.name }, virsh: 'virsh', edit, shows: [] };
}

const macs = (xml: string): string[] => [...xml.matchAll(/<mac address='([^']+)'\/>/g)].map((match) => match[1]!);

describe('a define step', () => {
  it('defines a linked clone on the new overlay with a new name, UUID and MACs, and leaves the source as it was', async () => {
    const nic = "<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>";
    const source = domains.define('src', { devices: nic });
    const overlay = join(domains.dir, "clone 'q' $(x) 名.qcow2");
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', source.disk, '-F', 'qcow2', '--', overlay]);
    const before = virsh('dumpxml', '--inactive', '--domain', source.name);
    const name = `${domains.prefix}-clone 'q' $(x) 名`;

    await runDefineStep(host, defineStep(source, { kind: 'clone', name, disks: { vda: overlay } }), new AbortController().signal);

    const clone = virsh('dumpxml', '--inactive', '--domain', name);
    expect(clone).toContain(`<name>${domains.prefix}-clone &apos;q&apos; $(x) 名</name>`);
    const uuidOf = (xml: string) => /<uuid>([^<]+)<\/uuid>/.exec(xml)![1];
    expect(uuidOf(clone)).toMatch(/^[0-9a-f-]{36}$/);
    expect(uuidOf(clone)).not.toBe(uuidOf(before));
    expect(macs(clone)).toHaveLength(1);
    expect(macs(clone)).not.toEqual(macs(before));
    expect(clone).toContain(`<source file='${join(domains.dir, 'clone &apos;q&apos; $(x) 名.qcow2')}'/>`);
    expect(clone).not.toContain(source.disk);
    expect(virsh('dumpxml', '--inactive', '--domain', source.name)).toBe(before);
  });

  it('switches a shut-off domain disk to a converted file, in qcow2, without its old chain', async () => {
    const guest = domains.define('switch');
    const converted = join(domains.dir, '-converted.qcow2');
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'qcow2', '--', guest.disk, converted]);

    await runDefineStep(host, defineStep(guest, { kind: 'switch-disk', target: 'vda', path: converted, format: 'qcow2' }), new AbortController().signal);

    const xml = virsh('dumpxml', '--inactive', '--domain', guest.name);
    expect(xml).toContain(`<source file='${converted}'/>`);
    expect(xml).toContain("<driver name='qemu' type='qcow2'/>");
    expect(xml).not.toContain(guest.disk);
  });

  it('defines nothing when the name now belongs to another domain', async () => {
    const guest = domains.define('renamed');
    const step = defineStep(guest, { kind: 'switch-disk', target: 'vda', path: join(domains.dir, 'x.qcow2'), format: 'qcow2' });
    const stale = { ...step, domain: { ...step.domain, uuid: '00000000-0000-4000-8000-00000000000a' } };
    const before = virsh('dumpxml', '--inactive', '--domain', guest.name);
    await expect(runDefineStep(host, stale, new AbortController().signal)).rejects.toThrow('is no longer the one the plan was made for');
    expect(virsh('dumpxml', '--inactive', '--domain', guest.name)).toBe(before);
  });
});
