import { describe, expect, it } from 'vitest';
import { unknownProtocol } from './backing.js';

describe('a protocol at the start of a backing name', () => {
  it.each(['nbd:localhost:10809', 'fat:/srv/folder', 'json:{}', 'file:/vm/b.qcow2', 'gluster+tcp://h/v/i'])('%s is one qemu-img 7.2 opens', (name) => {
    expect(unknownProtocol(name)).toBeNull();
  });

  it.each([
    ['base-12:30.qcow2', 'base-12'],
    ['vvfat:/srv', 'vvfat'],
  ])('%s names one it does not know (%s)', (name, protocol) => {
    expect(unknownProtocol(name)).toBe(protocol);
  });

  it('is no protocol after a slash: ./base-12:30.qcow2 and /vm/a:b are file names', () => {
    expect([unknownProtocol('./base-12:30.qcow2'), unknownProtocol('/vm/a:b')]).toEqual([null, null]);
  });
});
