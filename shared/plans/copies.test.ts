import { describe, expect, it } from 'vitest';
import { copiedChains } from './copies.js';
import { Intent, type IntentInput } from './intent.js';
import { URI, disk, domain, image, overlay, snapshot, world, type WorldParts } from './world.test-support.js';

const base = image('/vm/base.qcow2');
const top = overlay('/vm/top.qcow2', base);
const held = image('/vm/i.qcow2', { snapshots: [{ id: '1', name: 's1', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] });
const internal = domain('web', { disks: [disk('vda', [held.path])], snapshots: [snapshot('s1', { disks: [{ target: 'vda', snapshot: 'internal', file: null }] })] });
const external = domain('web', { disks: [disk('vda', [top.path, base.path])], snapshots: [snapshot('s1', { state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: top.path }] })] });
const copied = (intent: IntentInput, parts: WorldParts) => copiedChains(Intent.parse(intent), world(parts)).map(({ chain, snapshot: at }) => ({ chain: chain.map((layer) => layer.path), at }));

// The chains the core measures before it plans: what the plan copies whole, and only that.
describe('the chains a plan copies whole', () => {
  it.each([
    ['a convert: the whole chain, top first', { kind: 'convert', image: top.path, path: '/vm/new.qcow2' }, { images: [base, top] }, [{ chain: [top.path, base.path], at: undefined }]],
    ['a convert through a layer whose format below is a guess: none (it is blocked, nothing is read)', { kind: 'convert', image: top.path, path: '/vm/new.qcow2' }, { images: [base, { ...top, problems: [{ code: 'no-backing-format', key: '', values: {}, message: '' }] }] }, []],
    ['a convert of an image not scanned: none', { kind: 'convert', image: '/vm/elsewhere.qcow2', path: '/vm/new.qcow2' }, { images: [base] }, []],
    ['a clone from an internal snapshot: the file that holds it, at the snapshot', { kind: 'clone', uri: URI, domain: 'web', snapshot: 's1', name: 'web-2' }, { images: [held], domains: [internal] }, [{ chain: [held.path], at: 's1' }]],
    ['a clone from an internal snapshot held in a layer whose format below is a guess: none', { kind: 'clone', uri: URI, domain: 'web', snapshot: 's1', name: 'web-2' }, { images: [base, { ...overlay(held.path, base, { snapshots: held.snapshots }), problems: [{ code: 'no-backing-format', key: '', values: {}, message: '' }] }], domains: [internal] }, []],
    ['a linked clone from an external snapshot: none', { kind: 'clone', uri: URI, domain: 'web', snapshot: 's1', name: 'web-2' }, { images: [base, top], domains: [external] }, []],
    ['a new overlay: none', { kind: 'overlay', image: top.path, path: '/vm/new.qcow2' }, { images: [base, top] }, []],
  ] as const)('%s', (_, intent, parts, expected) => {
    expect(copied(intent, parts as WorldParts)).toEqual(expected);
  });
});
