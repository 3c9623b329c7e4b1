import { describe, expect, it } from 'vitest';
import { disksAreLocal } from './local.js';

describe('whose disks are files on this machine', () => {
  it('takes URIs without a host, or with the loopback name, as this machine', () => {
    for (const uri of ['qemu:///system', 'qemu:///session', 'qemu+unix:///system', 'qemu:///system?socket=/run/x.sock', 'qemu+ssh://localhost/system', 'qemu+tcp://root@127.0.0.1:16509/system']) {
      expect(disksAreLocal(uri), uri).toBe(true);
    }
  });

  it('takes any other host, and what is no URI, as elsewhere', () => {
    for (const uri of ['qemu+ssh://kvm1/system', 'qemu+ssh://admin@kvm1.example.org:2222/system', 'qemu+tls://10.0.0.5/system', 'not a uri', '']) {
      expect(disksAreLocal(uri), uri).toBe(false);
    }
  });
});
