import { describe, expect, it } from 'vitest';
import type { ParsedSnapshot } from '../../../shared/libvirt/parse.js';
import { SnapshotCache } from './snapshot-cache.js';

const snapshot = (name: string, parent: string | null = null): ParsedSnapshot => ({
  name,
  description: null,
  parent,
  state: 'shutoff',
  createdAt: '2026-11-22T00:00:00.000Z',
  memory: 'no',
  memoryFile: null,
  disks: [],
});

describe('the snapshot cache', () => {
  it('keeps what was read while the domain only gains snapshots', () => {
    const cache = new SnapshotCache();
    cache.set('u1', 'vm', snapshot('a'));
    cache.retain([{ uuid: 'u1', names: ['a', 'b'] }]);
    expect(cache.get('u1', 'a')?.name).toBe('a');
  });

  it('forgets a domain whose snapshot was deleted, because its children were re-parented', () => {
    const cache = new SnapshotCache();
    cache.set('u1', 'vm', snapshot('a'));
    cache.set('u1', 'vm', snapshot('b', 'a'));
    cache.set('u2', 'other', snapshot('x'));
    cache.retain([
      { uuid: 'u1', names: ['b'] },
      { uuid: 'u2', names: ['x'] },
    ]);
    expect(cache.get('u1', 'b')).toBeUndefined();
    expect(cache.get('u2', 'x')?.name).toBe('x');
  });

  it('forgets undefined domains and domains whose metadata changed on disk', () => {
    const cache = new SnapshotCache();
    cache.set('u1', 'vm', snapshot('a'));
    cache.set('u2', 'other', snapshot('x'));
    cache.forgetAllBut(['u2']);
    expect(cache.get('u1', 'a')).toBeUndefined();
    cache.forgetDomainNamed('other');
    expect(cache.get('u2', 'x')).toBeUndefined();
  });
});
