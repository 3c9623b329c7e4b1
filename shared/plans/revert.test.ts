import { describe, expect, it } from 'vitest';
import { Intent, type IntentInput } from './intent.js';
import { plan } from './planners.js';
import type { DefineStep, PlanDraft, RestoreStep, RunStep } from './plan.js';
import { HOSTILE, URI, disk, domain, image, overlay, snapshot, world, type WorldParts } from './world.test-support.js';

const revert = (fields: object = {}): IntentInput => ({ kind: 'revert', uri: URI, domain: 'web', snapshot: 's1', ...fields });
const run = (intent: IntentInput, parts: WorldParts) => plan(Intent.parse(intent), world(parts));
const codes = (draft: PlanDraft) => draft.blockers.map((blocker) => blocker.code);
const argvs = (draft: PlanDraft) => draft.steps.map((step) => (step.op === 'run' ? (step as RunStep).argv.slice((step as RunStep).argv[0]!.endsWith('virsh') ? 3 : 1) : step.op));

// Internal: the snapshot lives in the active layer.
const disk1 = image('/vm/web.qcow2', { snapshots: [{ id: '1', name: 's1', date: '', vmClockNs: 0, vmStateSize: 1, diskSize: null, icount: null }] });
const internal = domain('web', { disks: [disk('vda', ['/vm/web.qcow2'])], snapshots: [snapshot('s1', { memory: 'internal', disks: [{ target: 'vda', snapshot: 'internal', file: null }], stateFiles: ['/vm/web.qcow2'] }), snapshot('s2', { parent: 's1', current: true, disks: [{ target: 'vda', snapshot: 'internal', file: null }] })] });

// External on 9.0, reference 6.1: base <- a.s1 (the overlay s1 made) <- a.s2 (the active layer).
const base = image('/vm/a.qcow2');
const s1Overlay = overlay('/vm/a.s1.qcow2', base);
const s2Overlay = overlay('/vm/a.s2.qcow2', s1Overlay);
const ext = (fields: object = {}) =>
  domain('web', {
    disks: [disk('vda', ['/vm/a.s2.qcow2', '/vm/a.s1.qcow2', '/vm/a.qcow2'])],
    snapshots: [
      snapshot('s1', { memory: 'external', memoryFile: '/vm/web.s1.mem', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.s1.qcow2' }] }),
      snapshot('s2', { parent: 's1', current: true, state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.s2.qcow2' }] }),
    ],
    ...fields,
  });
const extParts: WorldParts = { images: [base, s1Overlay, s2Overlay], domains: [ext()], existing: ['/vm/web.s1.mem'] };

describe('a revert to an internal snapshot', () => {
  it('is virsh snapshot-revert, as the snapshot was or as chosen; it says NOW is lost, offers a snapshot first, and moves NOW under the snapshot', () => {
    const draft = run(revert(), { images: [disk1], domains: [internal] });
    expect(draft.blockers).toEqual([]);
    expect(argvs(draft)).toEqual([['snapshot-revert', '--domain', 'web', '--snapshotname', 's1']]);
    expect(argvs(run(revert({ state: 'paused' }), { images: [disk1], domains: [internal] }))).toEqual([['snapshot-revert', '--domain', 'web', '--snapshotname', 's1', '--paused']]);
    expect(draft.lost.map((said) => said.key)).toEqual(['plans.revert.lost.now', 'plans.revert.lost.ram']);
    expect(draft.warnings.map((said) => [said.key, said.values])).toEqual([
      ['plans.revert.warning.snapshotFirst.internal', { domain: 'web', name: 'before-revert-to-s1' }],
      ['plans.revert.warning.ramRestored', { domain: 'web', snapshot: 's1' }],
    ]);
    expect(draft.changes).toEqual(['/vm/web.qcow2']);
    expect(draft.tree).toEqual({
      domain: 'web',
      before: [{ name: 's1', parent: null, current: false }, { name: 's2', parent: 's1', current: true }],
      after: [{ name: 's1', parent: null, current: true }, { name: 's2', parent: 's1', current: false }],
    });
  });

  it('with `first`, the snapshot planner\'s step comes before the revert, and the new snapshot hangs where NOW was', () => {
    const draft = run(revert({ first: { snapshot: 'internal', name: 'keep' } }), { images: [disk1], domains: [internal] });
    expect(draft.blockers).toEqual([]);
    expect(argvs(draft)).toEqual([['snapshot-create-as', '--domain', 'web', '--name', 'keep'], ['snapshot-revert', '--domain', 'web', '--snapshotname', 's1']]);
    expect(draft.tree!.after).toContainEqual({ name: 'keep', parent: 's2', current: false });
    // NOW is kept by the snapshot taken first: nothing is lost.
    expect(draft.lost).toEqual([]);
    expect(run(revert({ first: { snapshot: 'disk-only', name: 'keep' } }), { images: [disk1], domains: [internal] }).lost.map((said) => said.key)).toEqual(['plans.revert.lost.ram']);
    expect(codes(run(revert({ first: { snapshot: 'internal', name: 's2' } }), { images: [disk1], domains: [internal] }))).toEqual(['name-taken']);
    // An external one would put a layer on the disk that the internal revert rewrites under it.
    expect(codes(run(revert({ first: { snapshot: 'memory', name: 'keep' } }), { images: [disk1], domains: [internal] }))).toEqual(['first-external']);
  });

  it('offers a name for the snapshot of NOW first that the domain has not taken', () => {
    const taken = { ...internal, snapshots: [...internal.snapshots, snapshot('before-revert-to-s1'), snapshot('before-revert-to-s1-2')] };
    expect(run(revert(), { images: [disk1], domains: [taken] }).warnings[0]!.values).toEqual({ domain: 'web', name: 'before-revert-to-s1-3' });
  });

  it('is blocked where the snapshot is in a layer that later overlays build on (reference 3.6): the revert would rewrite their backing file', () => {
    const top = overlay('/vm/web.ext.qcow2', disk1);
    const cut = { ...internal, disks: [disk('vda', ['/vm/web.ext.qcow2', '/vm/web.qcow2'])] };
    const draft = run(revert(), { images: [disk1, top], domains: [cut] });
    expect(draft.blockers).toMatchObject([{ code: 'revert-rewrites-backing', values: { path: '/vm/web.qcow2', overlays: '/vm/web.ext.qcow2' }, alternatives: [{ key: 'plans.revert.alternative.cloneInstead' }] }]);
    // Known from libvirt's chain alone, where the overlay's folder was not scanned.
    expect(codes(run(revert(), { images: [disk1], domains: [cut] }))).toEqual(['revert-rewrites-backing']);
  });

  it('with two disks, is blocked as well where a carrier a revert took out of the chain has overlays (the state files are not by disk)', () => {
    const held = { id: '1', name: 's1', date: '', vmClockNs: 0, vmStateSize: 1, diskSize: null, icount: null };
    const a = image('/vm/a.qcow2', { snapshots: [held] });
    const b = image('/vm/b.qcow2', { snapshots: [held] });
    const aTop = overlay('/vm/a.later.qcow2', a);
    const bNow = overlay('/vm/b.now.qcow2', image('/vm/b.other.qcow2'));
    const twoDisks = domain('web', {
      disks: [disk('vda', ['/vm/a.later.qcow2', '/vm/a.qcow2']), disk('vdb', ['/vm/b.now.qcow2', '/vm/b.other.qcow2'])],
      snapshots: [snapshot('s1', { memory: 'internal', disks: [{ target: 'vda', snapshot: 'internal', file: null }, { target: 'vdb', snapshot: 'internal', file: null }], stateFiles: ['/vm/a.qcow2', '/vm/b.qcow2'] })],
    });
    const bLater = overlay('/vm/b.later.qcow2', b);
    expect(codes(run(revert(), { images: [a, aTop, b, bLater, bNow], domains: [twoDisks] }))).toEqual(['revert-rewrites-backing', 'revert-rewrites-backing']);
  });

  it('an external snapshot on libvirt 9.9 is reverted by libvirt itself', () => {
    const draft = run(revert(), { ...extParts, externalSnapshotRevert: true });
    expect(draft.blockers).toEqual([]);
    expect(argvs(draft)).toEqual([['snapshot-revert', '--domain', 'web', '--snapshotname', 's1']]);
  });
});

describe('a revert to an internal snapshot held in an earlier branch', () => {
  it("names the file libvirt rewrites, what its branch loses, and the layer the disk leaves: not the layer it writes now", () => {
    // old <- ... : i2 was taken in old.qcow2; an earlier revert left it, and the disk now writes r1.qcow2 on the base.
    const root = image('/vm/base.qcow2');
    const old = overlay('/vm/old.qcow2', root, { snapshots: [{ id: '1', name: 'i2', date: '', vmClockNs: 0, vmStateSize: 1, diskSize: null, icount: null }] });
    const r1 = overlay('/vm/r1.qcow2', root);
    const web = domain('web', { disks: [disk('vda', ['/vm/r1.qcow2', '/vm/base.qcow2'])], snapshots: [snapshot('i2', { memory: 'internal', disks: [{ target: 'vda', snapshot: 'internal', file: null }], stateFiles: ['/vm/old.qcow2'], otherBranch: true })] });
    const draft = run(revert({ snapshot: 'i2' }), { images: [root, old, r1], domains: [web] });
    expect(draft.blockers).toEqual([]);
    expect(draft.changes).toEqual(['/vm/old.qcow2']);
    expect(draft.lost.map((said) => said.key)).toContain('plans.revert.lost.branchRewritten');
    expect(draft.lost.find((said) => said.key === 'plans.revert.lost.branchRewritten')!.values).toEqual({ path: '/vm/old.qcow2', snapshot: 'i2' });
    expect(draft.warnings.find((said) => said.key === 'plans.revert.warning.leavesLayer')!.values).toEqual({ target: 'vda', path: '/vm/r1.qcow2', carrier: '/vm/old.qcow2' });
  });
});

describe('a revert to an external snapshot on libvirt 9.0', () => {
  it('a checkpoint of a running domain: a fresh overlay on the state file, destroy, define, restore the memory, snapshot-current; NOW stays as the old branch', () => {
    const draft = run(revert(), extParts);
    expect(draft.blockers).toEqual([]);
    expect(argvs(draft)).toEqual([
      ['create', '-f', 'qcow2', '-b', 'a.qcow2', '-F', 'qcow2', '--', '/vm/a.s1-r1.qcow2'],
      ['destroy', '--domain', 'web'],
      'define',
      'restore',
      ['snapshot-current', '--domain', 'web', '--snapshotname', 's1'],
    ]);
    expect((draft.steps[2] as DefineStep).edit).toEqual({ kind: 'switch-disks', disks: { vda: '/vm/a.s1-r1.qcow2' } });
    const restore = draft.steps[3] as RestoreStep;
    expect(restore).toMatchObject({ memoryFile: '/vm/web.s1.mem', disks: { vda: '/vm/a.s1-r1.qcow2' } });
    expect(restore.shows).toEqual([
      ['/usr/bin/virsh', '-c', URI, 'save-image-dumpxml', '--file', '/vm/web.s1.mem', '--security-info'],
      ['/usr/bin/virsh', '-c', URI, 'restore', '--file', '/vm/web.s1.mem', '--xml', '/dev/stdin'],
    ]);
    expect(draft.creates).toEqual(['/vm/a.s1-r1.qcow2']);
    expect(draft.lost.map((said) => said.key)).toEqual(['plans.revert.lost.ram']);
    expect(draft.warnings.map((said) => [said.key, said.values])).toEqual([
      ['plans.revert.warning.snapshotFirst.memory', { domain: 'web', name: 'before-revert-to-s1' }],
      ['plans.revert.warning.keptBranch', { target: 'vda', files: '/vm/a.s2.qcow2, /vm/a.s1.qcow2' }],
      ['plans.revert.warning.ramRestored', { domain: 'web', snapshot: 's1' }],
      ['plans.revert.warning.stopped.restore', { domain: 'web', path: '/vm/web.s1.mem' }],
    ]);
    expect(draft.unused).toEqual([]);
    expect(draft.locks.files).toEqual(expect.arrayContaining(['/vm/a.s2.qcow2', '/vm/a.s1.qcow2', '/vm/a.qcow2', '/vm/web.s1.mem', '/vm/a.s1-r1.qcow2']));
    expect(draft.tree!.after.find((node) => node.current)!.name).toBe('s1');
  });

  it('the new overlay takes the next free -rN name, or the one the intent gives', () => {
    expect(run(revert(), { ...extParts, existing: ['/vm/web.s1.mem', '/vm/a.s1-r1.qcow2'] }).creates).toEqual(['/vm/a.s1-r2.qcow2']);
    expect(run(revert({ files: { vda: '/vm/mine.qcow2' } }), extParts).creates).toEqual(['/vm/mine.qcow2']);
  });

  it('a disk-only snapshot of a shut-off domain: no destroy, no start (the snapshot was taken shut off), with --running it starts', () => {
    const off = ext({ state: 'shut off', snapshots: [snapshot('s1', { state: 'shutoff', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.s1.qcow2' }] })] });
    const parts = { ...extParts, domains: [off] };
    expect(argvs(run(revert(), parts))).toEqual([['create', '-f', 'qcow2', '-b', 'a.qcow2', '-F', 'qcow2', '--', '/vm/a.s1-r1.qcow2'], 'define', ['snapshot-current', '--domain', 'web', '--snapshotname', 's1']]);
    expect(argvs(run(revert({ state: 'paused' }), parts))).toContainEqual(['start', '--domain', 'web', '--paused']);
    expect(run(revert(), parts).lost).toEqual([]);
    expect(run(revert(), parts).warnings[0]!.key).toBe('plans.revert.warning.snapshotFirst.diskOnly');
  });

  it('a shut-off domain with a managed save: the save is dropped first (a start would resume it on the old branch), and said lost', () => {
    const saved = ext({ state: 'shut off', stateReason: 'saved', snapshots: [snapshot('s1', { state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.s1.qcow2' }] })] });
    const draft = run(revert(), { ...extParts, domains: [saved] });
    expect(argvs(draft)[1]).toEqual(['managedsave-remove', '--domain', 'web']);
    expect(draft.lost.map((said) => said.key)).toEqual(['plans.revert.lost.managedSave']);
  });

  it('a snapshot on the other branch (its overlay not in the running chain) is reverted the same way, every disk of it', () => {
    const b = image('/vm/b.qcow2');
    const bOld = overlay('/vm/b.old.qcow2', b);
    const aOld = overlay('/vm/a.old.qcow2', base);
    const two = domain('web', {
      state: 'shut off',
      disks: [disk('vda', ['/vm/a.s1-r1.qcow2', '/vm/a.qcow2']), disk('vdb', ['/vm/b.s1-r1.qcow2', '/vm/b.qcow2'])],
      snapshots: [snapshot('old', { state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.old.qcow2' }, { target: 'vdb', snapshot: 'external', file: '/vm/b.old.qcow2' }] })],
    });
    const draft = run(revert({ snapshot: 'old' }), { images: [base, b, aOld, bOld, overlay('/vm/a.s1-r1.qcow2', base), overlay('/vm/b.s1-r1.qcow2', b)], domains: [two] });
    expect(draft.blockers).toEqual([]);
    expect(draft.creates).toEqual(['/vm/a.old-r1.qcow2', '/vm/b.old-r1.qcow2']);
    expect((draft.steps[2] as DefineStep).edit).toEqual({ kind: 'switch-disks', disks: { vda: '/vm/a.old-r1.qcow2', vdb: '/vm/b.old-r1.qcow2' } });
    expect(argvs(draft).at(-2)).toEqual(['start', '--domain', 'web']);
  });

  it.each([
    ['no such domain', revert({ domain: 'nope' }), extParts, 'no-domain'],
    ['no such snapshot', revert({ snapshot: 'nope' }), extParts, 'no-snapshot'],
    ['qemu-img not installed', revert(), { ...extParts, tools: { qemuImg: null, virsh: '/usr/bin/virsh' } }, 'tool-missing'],
    ['the memory file gone', revert(), { ...extParts, existing: [] }, 'memory-missing'],
    ['the overlay the snapshot made not scanned', revert(), { ...extParts, images: [base, s2Overlay] }, 'state-unknown'],
    ['the state file gone', revert(), { ...extParts, images: [{ ...s1Overlay, backing: { name: 'gone', path: '/vm/gone', format: 'qcow2', exists: false, image: null } }, s2Overlay] }, 'state-missing'],
    ['a named new file that exists', revert({ files: { vda: '/vm/a.s2.qcow2' } }), extParts, 'target-exists'],
    ['a file for a disk the snapshot has not', revert({ files: { vdz: '/vm/z.qcow2' } }), extParts, 'no-such-disk'],
    ['a disk of the snapshot the domain no longer has', revert(), { ...extParts, domains: [ext({ disks: [disk('vdb', ['/vm/a.s2.qcow2', '/vm/a.s1.qcow2', '/vm/a.qcow2'])] })] }, 'no-such-disk'],
    ['a transient domain, which a destroy would remove', revert(), { ...extParts, domains: [ext({ persistent: false })] }, 'transient'],
  ] as const)('is blocked: %s', (_, intent, parts, code) => {
    expect(codes(run(intent, parts))).toContain(code);
  });

  it.each(HOSTILE)('the hostile snapshot name %j reaches virsh as itself, and the new file stays in the folder', (name) => {
    const hostile = ext({ name: `d ${name}`, snapshots: [snapshot(`s ${name}`, { memory: 'no', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.s1.qcow2' }] })] });
    const draft = run(revert({ domain: `d ${name}`, snapshot: `s ${name}` }), { ...extParts, domains: [hostile] });
    expect(draft.blockers).toEqual([]);
    expect(argvs(draft).at(-1)).toEqual(['snapshot-current', '--domain', `d ${name}`, '--snapshotname', `s ${name}`]);
    expect(draft.creates[0]!.slice('/vm/'.length)).not.toContain('/');
  });
});

describe('a revert to an external snapshot on another branch', () => {
  it('says the disk leaves only the layers the new chain does not read: the files both branches share stay in it', () => {
    // a <- e1 <- m <- x2 (the overlay snapshot x2 made; its state is m); the disk now writes r1 on e1.
    const a = image('/vm/a.qcow2');
    const e1 = overlay('/vm/e1.qcow2', a);
    const m = overlay('/vm/m.qcow2', e1);
    const x2 = overlay('/vm/x2.qcow2', m);
    const r1 = overlay('/vm/r1.qcow2', e1);
    const web = domain('web', {
      state: 'shut off',
      disks: [disk('vda', ['/vm/r1.qcow2', '/vm/e1.qcow2', '/vm/a.qcow2'])],
      snapshots: [snapshot('x2', { state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/x2.qcow2' }] })],
    });
    const draft = run(revert({ snapshot: 'x2' }), { images: [a, e1, m, x2, r1], domains: [web] });
    expect(draft.blockers).toEqual([]);
    expect(draft.warnings.find((said) => said.key === 'plans.revert.warning.keptBranch')?.values).toEqual({ target: 'vda', files: '/vm/r1.qcow2' });
  });
});

describe('new files a revert makes', () => {
  it('refuses a line break in a path chosen for the new overlay: the domain XML would name another file', () => {
    expect(codes(run(revert({ files: { vda: '/vm/new\nline.qcow2' } }), extParts))).toContain('path-newline');
  });
});

describe('a revert of an image with no domain (qemu-img snapshot -a)', () => {
  const img = image('/img/x.qcow2', { snapshots: [{ id: '1', name: 'int', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] });
  it('applies the internal snapshot, and says the present state is lost', () => {
    const draft = run({ kind: 'image-revert', image: '/img/x.qcow2', name: 'int' }, { images: [img] });
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv).toEqual(['/usr/bin/qemu-img', 'snapshot', '-a', 'int', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=/img/x.qcow2']);
    expect(draft.lost.map((said) => said.key)).toEqual(['plans.revert.lost.image']);
  });
  it.each([
    ['no such snapshot', { kind: 'image-revert', image: '/img/x.qcow2', name: 'nope' }, { images: [img] }, 'no-snapshot'],
    ['overlays build on it (rule 1)', { kind: 'image-revert', image: '/img/x.qcow2', name: 'int' }, { images: [img, overlay('/img/o.qcow2', img)] }, 'backing-file'],
    ['a running domain holds it (rule 2)', { kind: 'image-revert', image: '/img/x.qcow2', name: 'int' }, { images: [img], domains: [domain('d', { disks: [disk('vda', ['/img/x.qcow2'])] })] }, 'held-by-qemu'],
    ['a shut-off domain\'s disk: libvirt keeps its snapshots', { kind: 'image-revert', image: '/img/x.qcow2', name: 'int' }, { images: [img], domains: [domain('d', { state: 'shut off', disks: [disk('vda', ['/img/x.qcow2'])] })] }, 'domain-disk'],
    ['a QEMU that libvirt does not run has it open (rule 2)', { kind: 'image-revert', image: '/img/x.qcow2', name: 'int' }, { images: [img], qemuHolds: ['/img/x.qcow2'] }, 'held-outside'],
    ['qemu-img is not installed', { kind: 'image-revert', image: '/img/x.qcow2', name: 'int' }, { images: [img], tools: { qemuImg: null, virsh: '/usr/bin/virsh' } }, 'tool-missing'],
    // -a looks the ID up first: "1" would apply the snapshot whose ID is 1, not the one named "1".
    [
      'the name is another snapshot\'s ID',
      { kind: 'image-revert', image: '/img/x.qcow2', name: '1' },
      { images: [image('/img/x.qcow2', { snapshots: [...img.snapshots, { id: '2', name: '1', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] })] },
      'name-is-an-id',
    ],
  ] as const)('is blocked: %s', (_, intent, parts, code) => {
    expect(codes(run(intent as IntentInput, parts))).toContain(code);
  });
});
