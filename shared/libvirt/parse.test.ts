import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changesInventory, parseEventLine } from './events.js';
import { parseDomainXml, parseNameList, parseSnapshotXml, parseStateReason, parseUuidList, savedDomainUuid } from './parse.js';

/** Output captured from virsh 9.0 on a running TCG domain with int1, ext1 and mem1 snapshots. */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('virsh parsers on captured output', () => {
  it('reads UUIDs from list --all --uuid', () => {
    expect(parseUuidList(fixture('list-all-uuid.txt'))).toEqual(['00000000-0000-4000-8000-000000000001']);
    expect(parseUuidList('\n')).toEqual([]);
  });

  it('splits a state from its reason', () => {
    expect(parseStateReason(fixture('domstate-reason-running.txt'))).toEqual({ state: 'running', reason: 'unpaused' });
    expect(parseStateReason('shut off (destroyed)\n\n')).toEqual({ state: 'shut off', reason: 'destroyed' });
    expect(parseStateReason('paused (from snapshot)\n')).toEqual({ state: 'paused', reason: 'from snapshot' });
  });

  it('reads snapshot names, spaces included', () => {
    expect(parseNameList(fixture('snapshot-list-name.txt'))).toEqual(['ext1', 'int1', 'mem1']);
    expect(parseNameList('snap two\nthree\n\n')).toEqual(['snap two', 'three']);
    expect(parseNameList(fixture('snapshot-current-name.txt'))).toEqual(['mem1']);
  });

  it('reads the name, UUID and whole live backingStore chain of a running domain', () => {
    const domain = parseDomainXml(fixture('dumpxml-running-after-snapshots.xml'));
    expect(domain).toMatchObject({ name: 'snaptree-probe-1', uuid: '00000000-0000-4000-8000-000000000001' });
    const [disk] = domain!.disks;
    expect(disk).toMatchObject({
      target: 'vda',
      device: 'disk',
      type: 'file',
      format: 'qcow2',
      activePath: '/srv/vm/demo/d1.mem1.qcow2',
      chain: ['/srv/vm/demo/d1.mem1.qcow2', '/srv/vm/demo/d1.ext1.qcow2', '/srv/vm/demo/d1.qcow2'],
      readonly: false,
      shareable: false,
      snapshot: null,
    });
    expect(disk!.xml).toMatch(/^<disk type='file' device='disk'>[\s\S]*<\/disk>$/);
  });

  it('reads the chain libvirt persisted after a live external snapshot', () => {
    const [disk] = parseDomainXml(fixture('dumpxml-inactive-after-snapshots.xml'))!.disks;
    expect(disk!.chain).toEqual(['/srv/vm/demo/d1.mem1.qcow2', '/srv/vm/demo/d1.ext1.qcow2', '/srv/vm/demo/d1.qcow2']);
  });

  it("reads a disk's own snapshot attribute, which leaves it out of libvirt's snapshots", () => {
    const xml = `<domain><name>n</name><uuid>00000000-0000-4000-8000-000000000003</uuid><devices>
      <disk type='file' device='disk' snapshot='no'><driver name='qemu' type='qcow2'/><source file='/srv/vm/data.qcow2'/><target dev='vdb'/></disk>
    </devices></domain>`;
    expect(parseDomainXml(xml)!.disks[0]!.snapshot).toBe('no');
  });

  it('takes no path from a network or pool disk, and stops a chain at a network layer', () => {
    const xml = `<domain><name>n</name><uuid>00000000-0000-4000-8000-000000000002</uuid><devices>
      <disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='rbd' name='pool/image'/><target dev='vda'/></disk>
      <disk type='volume' device='disk'><source pool='default' volume='vm.qcow2'/><target dev='vdb'/></disk>
      <disk type='file' device='disk'><source file='/srv/vm/top.qcow2'/><backingStore type='network'><source protocol='nbd' name='base'/></backingStore><target dev='vdc'/></disk>
    </devices></domain>`;
    const disks = parseDomainXml(xml)!.disks;
    expect(disks.map((disk) => [disk.target, disk.type, disk.activePath, disk.chain])).toEqual([
      ['vda', 'network', null, []],
      ['vdb', 'volume', null, []],
      ['vdc', 'file', '/srv/vm/top.qcow2', ['/srv/vm/top.qcow2']],
    ]);
  });

  it('says a domain with VNC graphics and a VGA card has a display', () => {
    expect(parseDomainXml(fixture('dumpxml-running-vnc.xml'))).toMatchObject({ name: 'snaptree-probe-2', display: true });
  });

  it('says a domain with no graphics, or only a video model of none, has no display', () => {
    expect(parseDomainXml(fixture('dumpxml-running-after-snapshots.xml'))!.display).toBe(false);
    expect(parseDomainXml(fixture('dumpxml-running-video-none.xml'))!.display).toBe(false);
  });

  it('says a domain defined with graphics but no video device yet has a display', () => {
    const xml = `<domain><name>g</name><uuid>00000000-0000-4000-8000-000000000004</uuid><devices><graphics type='spice' autoport='yes'/></devices></domain>`;
    expect(parseDomainXml(xml)!.display).toBe(true);
  });

  it('reads no domain from what a failed dumpxml leaves', () => {
    expect(parseDomainXml('')).toBeNull();
    expect(parseDomainXml('error: failed to get domain')).toBeNull();
  });

  it('reads internal, disk-only and memory snapshots', () => {
    expect(parseSnapshotXml(fixture('snapshot-int1.xml'))).toEqual({
      name: 'int1',
      description: null,
      parent: null,
      state: 'running',
      createdAt: '2026-11-22T10:05:22.000Z',
      memory: 'internal',
      memoryFile: null,
      disks: [{ target: 'vda', snapshot: 'internal', file: null }],
    });
    expect(parseSnapshotXml(fixture('snapshot-ext1.xml'))).toMatchObject({
      parent: 'int1',
      state: 'disk-snapshot',
      memory: 'no',
      disks: [{ target: 'vda', snapshot: 'external', file: '/srv/vm/demo/d1.ext1.qcow2' }],
    });
    expect(parseSnapshotXml(fixture('snapshot-mem1.xml'))).toMatchObject({
      parent: 'ext1',
      memory: 'external',
      memoryFile: '/srv/vm/demo/mem1.mem',
    });
    expect(parseSnapshotXml('')).toBeNull();
  });

  it("reads libvirt's own metadata file of a snapshot, and whose it is", () => {
    // /var/lib/libvirt/qemu/snapshot/<domain>/mem1.xml: a comment, then the snapshot XML
    // with both saved definitions and the cookie.
    const file = fixture('metadata-file-mem1.xml');
    expect(parseSnapshotXml(file)).toEqual({
      name: 'mem1',
      description: 'before <the> "upgrade" & more',
      parent: null,
      state: 'running',
      createdAt: expect.stringMatching(/^2026-11-22T/),
      memory: 'external',
      memoryFile: '/srv/vm/demo/mem1.mem',
      disks: [{ target: 'vda', snapshot: 'external', file: '/srv/vm/demo/d1.mem1.qcow2' }],
    });
    expect(savedDomainUuid(file)).toBe('00000000-0000-4000-8000-000000000009');
    expect(savedDomainUuid('<domainsnapshot><name>x</name></domainsnapshot>')).toBeNull();
  });
});

describe('the event stream', () => {
  const lines = fixture('event-loop.txt').split('\n');

  it('reads every event line and skips continuation lines', () => {
    const events = lines.map(parseEventLine).filter((event) => event !== null);
    expect(events[0]).toEqual({ event: 'lifecycle', domain: 'snaptree-probe-1', detail: 'Suspended Paused' });
    expect(events.map((event) => event.event)).toContain('job-completed');
    expect(parseEventLine('\toperation: 6')).toBeNull();
    expect(parseEventLine("2026-11-22 07:54:13.741+0000: event 'lifecycle' for domain 'it's ours': Stopped Destroyed")).toMatchObject({ domain: "it's ours", detail: 'Stopped Destroyed' });
    expect(parseEventLine("event 'metadata-change' for domain 'plain'")).toMatchObject({ domain: 'plain', detail: '' });
    expect(events).toHaveLength(lines.filter((line) => line.includes(": event '")).length);
  });

  it('ignores events that change nothing Snaptree shows', () => {
    expect(changesInventory(parseEventLine("event 'migration-iteration' for domain 'd': iteration: '1'")!)).toBe(false);
    expect(changesInventory(parseEventLine("event 'lifecycle' for domain 'd': Started Booted")!)).toBe(true);
    expect(parseEventLine("event 'block-job-2' for domain 'a b': Active Block Commit for vda ready")).toEqual({
      event: 'block-job-2',
      domain: 'a b',
      detail: 'Active Block Commit for vda ready',
    });
  });
});
