import { describe, expect, it } from 'vitest';
import { Intent, type IntentInput } from './intent.js';
import { plan } from './planners.js';
import type { DefineStep, PlanDraft, RunStep } from './plan.js';
import { HOSTILE, URI, disk, domain, image, overlay, snapshot, world, type WorldParts } from './world.test-support.js';

const clone = (fields: object = {}): IntentInput => ({ kind: 'clone', uri: URI, domain: 'web', snapshot: 's1', name: 'web-2', ...fields });
const run = (intent: IntentInput, parts: WorldParts) => plan(Intent.parse(intent), world(parts));
const codes = (draft: PlanDraft) => draft.blockers.map((blocker) => blocker.code);

const base = image('/vm/a.qcow2');
const s1Overlay = overlay('/vm/a.s1.qcow2', base);
const web = domain('web', {
  disks: [disk('vda', ['/vm/a.s1.qcow2', '/vm/a.qcow2'])],
  snapshots: [snapshot('s1', { state: 'disk-snapshot', current: true, disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.s1.qcow2' }] })],
});
const parts: WorldParts = { images: [base, s1Overlay], domains: [web] };

describe('a clone from an external snapshot', () => {
  it('a new overlay on the state file, and a domain defined from the snapshot\'s saved definition on it; the source is only read', () => {
    const draft = run(clone(), parts);
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv).toEqual(['/usr/bin/qemu-img', 'create', '-f', 'qcow2', '-b', 'a.qcow2', '-F', 'qcow2', '--', '/vm/a.web-2.qcow2']);
    const define = draft.steps[1] as DefineStep;
    expect(define).toMatchObject({ op: 'define', snapshot: 's1', edit: { kind: 'clone', name: 'web-2', disks: { vda: '/vm/a.web-2.qcow2' } } });
    expect(define.shows[0]).toEqual(['/usr/bin/virsh', '-c', URI, 'snapshot-dumpxml', '--domain', 'web', '--snapshotname', 's1', '--security-info']);
    expect(draft.changes).toEqual(['/vm/a.web-2.qcow2']);
    expect(draft.lost).toEqual([]);
    expect(draft.locks.files).toEqual(['/vm/a.qcow2', '/vm/a.web-2.qcow2']);
  });

  it('of a checkpoint says the clone boots afresh: the RAM the snapshot kept is not cloned', () => {
    const checkpoint = { ...web, snapshots: [{ ...web.snapshots[0]!, memory: 'external' as const, memoryFile: '/vm/s1.mem' }] };
    expect(run(clone(), { ...parts, domains: [checkpoint] }).warnings.map((said) => said.key)).toEqual(['plans.cloneSnapshot.warning.bootsAfresh']);
  });

  it.each([
    ['no such snapshot', clone({ snapshot: 'nope' }), parts, 'no-snapshot'],
    ['a domain of that name', clone({ name: 'web' }), parts, 'domain-exists'],
    ['an empty name', clone({ name: ' ' }), parts, 'name-empty'],
    ['a name with a line break', clone({ name: 'a\nb' }), parts, 'name-refused'],
    ['the new file exists', clone(), { ...parts, existing: ['/vm/a.web-2.qcow2'] }, 'target-exists'],
    ['the overlay the snapshot made not scanned', clone(), { ...parts, images: [base] }, 'state-unknown'],
    ['virsh not installed', clone(), { ...parts, tools: { qemuImg: '/usr/bin/qemu-img', virsh: null } }, 'tool-missing'],
  ] as const)('is blocked: %s', (_, intent, here, code) => {
    expect(codes(run(intent, here))).toContain(code);
  });

  it.each(HOSTILE)('the hostile name %j reaches libvirt as itself, and the new file stays in the folder', (name) => {
    const draft = run(clone({ name: `c ${name}` }), parts);
    expect((draft.steps[1] as DefineStep).edit).toMatchObject({ name: `c ${name}` });
    expect(draft.creates[0]!.slice('/vm/'.length)).not.toContain('/');
  });
});

describe('a clone from an internal snapshot', () => {
  const disk1 = image('/vm/i.qcow2', { actualSize: 3 << 20, snapshots: [{ id: '1', name: 'i1', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] });
  const internal = (state: string) => domain('web', { state, disks: [disk('vda', ['/vm/i.qcow2'])], snapshots: [snapshot('s1', { disks: [{ target: 'vda', snapshot: 'internal', file: null }] })] });
  const image1 = { ...disk1, snapshots: [{ ...disk1.snapshots[0]!, name: 's1' }] };

  it('copies each disk whole at the snapshot, says how much, and reads a running domain\'s disk through -U', () => {
    const draft = run(clone(), { images: [image1], domains: [internal('running')] });
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv).toEqual(['/usr/bin/qemu-img', 'convert', '-p', '-t', 'writeback', '-U', '-f', 'qcow2', '-O', 'qcow2', '-l', 'snapshot.name=s1', '--', '/vm/i.qcow2', '/vm/i.web-2.qcow2']);
    expect(draft.bytes).toBe(3 << 20);
    expect(draft.warnings.map((said) => said.key)).toEqual(['plans.cloneSnapshot.warning.fullCopy', 'plans.cloneSnapshot.warning.readsShared']);
    const off = run(clone(), { images: [image1], domains: [internal('shut off')] });
    expect((off.steps[0] as RunStep).argv).not.toContain('-U');
  });

  it("says the bytes qemu-img measures the snapshot's copy takes, where it was measured: the file also holds its other states and the guest's writes since", () => {
    const draft = run(clone(), { images: [image1], domains: [internal('running')], convertBytes: { '/vm/i.qcow2@s1': 1 << 20, '/vm/i.qcow2': 3 << 20 } });
    expect(draft.bytes).toBe(1 << 20);
    expect(draft.steps[0]!.says.values).toMatchObject({ size: '1.0 MiB' });
    expect(draft.warnings[0]!.values).toMatchObject({ size: '1.0 MiB' });
  });

  it('a comma in the snapshot name is doubled, as qemu\'s option syntax escapes it', () => {
    const withComma = { ...image1, snapshots: [{ ...image1.snapshots[0]!, name: 'a,b' }] };
    const dom = { ...internal('shut off'), snapshots: [snapshot('a,b', { disks: [{ target: 'vda', snapshot: 'internal' as const, file: null }] })] };
    expect((run(clone({ snapshot: 'a,b' }), { images: [withComma], domains: [dom] }).steps[0] as RunStep).argv).toContain('snapshot.name=a,,b');
  });

  it('copies from the layer that holds the snapshot after a revert took it out of the running chain', () => {
    const moved = { ...internal('shut off'), disks: [disk('vda', ['/vm/other.qcow2'])], snapshots: [snapshot('s1', { disks: [{ target: 'vda', snapshot: 'internal' as const, file: null }], stateFiles: ['/vm/i.qcow2'] })] };
    const draft = run(clone(), { images: [image1, image('/vm/other.qcow2')], domains: [moved] });
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv.slice(-2)).toEqual(['/vm/i.qcow2', '/vm/i.web-2.qcow2']);
  });

  it("rule 3: is blocked where the layer holding the snapshot leaves its backing file's format to a guess: the copy would read other bytes", () => {
    const below = image('/vm/below.img', { format: 'raw' });
    const guessing = { ...overlay('/vm/i.qcow2', below, { snapshots: image1.snapshots }), problems: [{ code: 'no-backing-format' as const, key: '', values: {}, message: '' }] };
    const draft = run(clone(), { images: [below, guessing], domains: [internal('shut off')] });
    expect(draft.blockers).toMatchObject([{ code: 'layer-no-backing-format', values: { path: '/vm/i.qcow2', layer: '/vm/i.qcow2' }, alternatives: [{ key: 'plans.alternative.recordFormat' }] }]);
  });

  it('is blocked when no scanned image of the disk holds the snapshot', () => {
    expect(codes(run(clone(), { images: [disk1], domains: [internal('running')] }))).toContain('state-unknown');
  });
});
