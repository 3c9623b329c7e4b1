import { describe, expect, it } from 'vitest';
import { parseDomainXml } from '../../../shared/libvirt/parse.js';
import { LastParsed } from './last-parsed.js';

const domainXml = (disk: string) =>
  `<domain type='qemu'><name>web</name><uuid>6a5b0c1e-0000-4000-8000-000000000001</uuid><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`;

describe('the last domain XML read, parsed', () => {
  it('is parsed once while it reads the same, and again as soon as it changes: a disk switched to a new overlay is seen', () => {
    let parses = 0;
    const memo = new LastParsed((xml: string) => {
      parses++;
      return parseDomainXml(xml);
    });
    const first = memo.of('web', domainXml('/vm/web.qcow2'));
    expect(memo.of('web', domainXml('/vm/web.qcow2'))).toBe(first);
    expect(parses).toBe(1);
    const switched = memo.of('web', domainXml('/vm/web.snap1.qcow2'));
    expect(switched?.disks.map((disk) => disk.activePath)).toEqual(['/vm/web.snap1.qcow2']);
    expect(parses).toBe(2);
    // Under another key (its UUID) the same text is its own entry.
    memo.of('6a5b0c1e-0000-4000-8000-000000000001', domainXml('/vm/web.snap1.qcow2'));
    expect(parses).toBe(3);
  });

  it('keeps at most its limit, the least recently read going first', () => {
    let parses = 0;
    const memo = new LastParsed((text: string) => (parses++, text.length), 2);
    memo.of('a', 'x');
    memo.of('b', 'yy');
    memo.of('a', 'x');
    memo.of('c', 'zzz');
    expect(parses).toBe(3);
    memo.of('a', 'x');
    expect(parses).toBe(3);
    memo.of('b', 'yy');
    expect(parses).toBe(4);
  });
});
