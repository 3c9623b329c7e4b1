import { describe, expect, it } from 'vitest';
import type { Connection } from './model.js';
import { disksAreLocal, knowsEveryLocalDomain, uriRefusal } from './uri.js';

describe('whose disks are files on this machine', () => {
  it('takes URIs without a host, or with the loopback name, as this machine', () => {
    for (const uri of ['qemu:///system', 'qemu:///session', 'qemu+unix:///system', 'qemu:///system?socket=/run/x.sock', 'qemu+ssh://localhost/system', 'qemu+tcp://root@127.0.0.1:16509/system']) {
      expect(disksAreLocal(uri), uri).toBe(true);
    }
  });

  it('takes any other host, and what is no URI, as elsewhere', () => {
    for (const uri of ['qemu+ssh://kvm1/system', 'qemu+ssh://admin@kvm1.example.org:2222/system', 'qemu+tls://10.0.0.5/system', 'test:///default', 'not a uri', '']) {
      expect(disksAreLocal(uri), uri).toBe(false);
    }
  });

  it('lets only this machine’s answering system daemon say that no domain uses a file', () => {
    const connection = (uri: string, reachable = true) => ({ uri, reachable }) as Connection;
    expect(knowsEveryLocalDomain([connection('qemu:///system')])).toBe(true);
    expect(knowsEveryLocalDomain([connection('qemu:///session'), connection('qemu+ssh://localhost/system')])).toBe(true);
    expect(knowsEveryLocalDomain([connection('qemu:///session')])).toBe(false);
    expect(knowsEveryLocalDomain([connection('qemu:///system', false), connection('qemu+ssh://kvm1/system')])).toBe(false);
    expect(knowsEveryLocalDomain([connection('test:///default')])).toBe(false);
  });

  it('refuses URIs that name a program to run, and what is no URI', () => {
    for (const uri of ['qemu:///system', 'qemu+ssh://root@kvm1/system?keyfile=/home/a/.ssh/id&no_verify=1', 'qemu:///system?socket=/run/x.sock']) {
      expect(uriRefusal(uri), uri).toBeNull();
    }
    expect(uriRefusal('qemu+ext:///system?command=/tmp/evil')?.message).toContain('ext transport');
    expect(uriRefusal('qemu+ssh://kvm1/system?netcat=nc%20-e%20sh')?.message).toContain('netcat=');
    expect(uriRefusal('qemu+unix:///system?command=/bin/sh')?.message).toContain('command=');
    expect(uriRefusal('kvm1')?.message).toContain('must be a libvirt URI');
    // libvirt splits on ; too and compares names without case.
    expect(uriRefusal('qemu+ssh://h/system?Command=/tmp/x')?.message).toContain('command=');
    expect(uriRefusal('qemu+ssh://h/system?no_tty=1;command=/tmp/x')?.message).toContain('command=');
    expect(uriRefusal('qemu+ssh://h/system?NETCAT=evil')?.message).toContain('netcat=');
    expect(uriRefusal('qemu+ssh://h/system?%63ommand=/tmp/x')?.message).toContain('command=');
  });
});
