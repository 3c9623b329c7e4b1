import { describe, expect, it } from 'vitest';
import { Intent, type IntentInput } from './intent.js';
import type { DefineStep, PlanDraft, RunStep, StepInput } from './plan.js';
import { plan } from './planners.js';
import { HOSTILE, URI, disk, domain, image, overlay, snapshot, world, type WorldParts } from './world.test-support.js';
import { a, b, base, chain, e1, innerLayer, internal, lone, overlayWithInternal, reverted, s1, s2, sharedBelowActive, shutOff, stateWritten, web } from './delete.test-support.js';

const codes = (draft: PlanDraft) => draft.blockers.map((blocker) => blocker.code);
/** Each step as the dialog would list it: a command, a define, or a file to the trash. */
const shown = (draft: PlanDraft) =>
  draft.steps.map((step: StepInput) => (step.op === 'run' ? (step as RunStep).argv.join(' ') : step.op === 'trash' ? `trash ${step.path}` : step.op === 'define' ? `define ${(step as DefineStep).edit.kind === 'switch-disk' ? JSON.stringify((step as DefineStep).edit) : ''}` : step.op));
const remove = (fields: Partial<Extract<IntentInput, { kind: 'delete' }>>, parts: WorldParts) => plan(Intent.parse({ kind: 'delete', uri: URI, domain: 'web', snapshot: 's1', ...fields }), world(parts));
const virsh = (...words: string[]) => ['/usr/bin/virsh', '-c', URI, ...words].join(' ');
const metadata = (name: string) => virsh('snapshot-delete', '--domain', 'web', '--snapshotname', name, '--metadata');

describe('deleting an internal snapshot', () => {
  const parts = internal;

  it('is libvirt\'s own snapshot-delete, which removes it from the qcow2 too; its child gets its parent, and its saved RAM is said to go', () => {
    const draft = remove({ snapshot: 'i1' }, parts);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([virsh('snapshot-delete', '--domain', 'web', '--snapshotname', 'i1')]);
    expect(draft.changes).toEqual(['/vm/base.qcow2']);
    expect(draft.unused).toEqual([]);
    expect(draft.lost).toMatchObject([{ key: 'plans.delete.lost.memory', values: { name: 'i1' } }]);
    expect(draft.tree).toEqual({ domain: 'web', before: [{ name: 'i1', parent: null, current: false }, { name: 'i2', parent: 'i1', current: true }], after: [{ name: 'i2', parent: null, current: true }] });
  });

  it('whose file left the disk\'s chain is blocked: libvirt cannot reach it; metadata only instead', () => {
    const stale = snapshot('i1', { disks: [{ target: 'vda', snapshot: 'internal', file: null }], problems: [{ code: 'stale-snapshot', key: '', values: {}, message: '' }] });
    const [blocker] = remove({ snapshot: 'i1' }, { images: [base], domains: [domain('web', { disks: [disk('vda', ['/vm/base.qcow2'])], snapshots: [stale] })] }).blockers;
    expect(blocker).toMatchObject({ code: 'internal-stale', alternatives: [{ key: 'plans.delete.alternative.metadataOnly' }] });
  });
});

describe('deleting an internal snapshot below an external snapshot\'s overlay', () => {
  const i1 = snapshot('i1', { disks: [{ target: 'vda', snapshot: 'internal', file: null }], stateFiles: ['/vm/base.qcow2'] });
  const e1 = snapshot('e1', { parent: 'i1', current: true, state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/a.qcow2' }], stateFiles: ['/vm/base.qcow2'] });
  const parts = (state: string): WorldParts => ({ images: [base, a], domains: [domain('web', { state, disks: [disk('vda', ['/vm/a.qcow2', '/vm/base.qcow2'])], snapshots: [i1, e1] })] });

  it('while the domain runs is refused before anything runs (libvirt 9.0 deletes it only from the layer QEMU writes): shut it off first', () => {
    for (const fields of [{}, { children: true }]) {
      const draft = remove({ snapshot: 'i1', ...fields }, parts('running'));
      expect(draft.blockers, JSON.stringify(fields)).toMatchObject([{ code: 'internal-below-active', values: { name: 'i1', path: '/vm/base.qcow2' }, alternatives: [{ key: 'plans.delete.alternative.shutOff' }] }]);
    }
  });

  it('of a shut-off domain is libvirt\'s own delete, as it works there', () => {
    const draft = remove({ snapshot: 'i1' }, parts('shut off'));
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([virsh('snapshot-delete', '--domain', 'web', '--snapshotname', 'i1')]);
  });
});

describe('deleting an internal snapshot on another branch (its image left the running chain after a revert)', () => {
  it('is qemu-img snapshot -d on the image that carries it, which no QEMU holds, then the record: libvirt would look in the chain as it is now', () => {
    const old = image('/vm/old.qcow2', { snapshots: [{ id: '1', name: 'i1', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] });
    const i1 = snapshot('i1', { disks: [{ target: 'vda', snapshot: 'internal', file: null }], stateFiles: ['/vm/old.qcow2'], otherBranch: true });
    const draft = remove({ snapshot: 'i1' }, { images: [base, old, overlay('/vm/new.qcow2', base)], domains: [domain('web', { disks: [disk('vda', ['/vm/new.qcow2', '/vm/base.qcow2'])], snapshots: [i1] })] });
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual(['/usr/bin/qemu-img snapshot -d i1 --image-opts driver=qcow2,file.driver=file,file.filename=/vm/old.qcow2', metadata('i1')]);
  });
});

describe('deleting an external snapshot of a running domain', () => {
  it('a leaf on the active layer: an active block commit with pivot into the file below, then the record with --metadata, then the overlay to the trash', () => {
    const draft = remove({ snapshot: 's2' }, chain);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', '/vm/a.qcow2', '--wait', '--verbose'),
      metadata('s2'),
      'trash /vm/b.qcow2',
    ]);
    expect(draft.steps[0]).toMatchObject({ progress: 'virsh-block-job', cancel: 'blockjob-abort', domain: { uuid: 'uuid-web', disk: 'vda' } });
    expect(draft.unused).toEqual(['/vm/b.qcow2']);
    expect(draft.bytes).toBe(b.actualSize);
    expect(draft.tree!.after).toEqual([{ name: 's1', parent: null, current: true }]);
    expect(draft.locks.domains.map((lock) => lock.name)).toEqual(['web']);
  });

  it('in the middle: a block commit of its overlay into the file below (libvirt re-points the layer above); its child gets its parent', () => {
    const draft = remove({}, chain);
    expect(shown(draft)).toEqual([virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--top', '/vm/a.qcow2', '--base', '/vm/base.qcow2', '--wait', '--verbose'), metadata('s1'), 'trash /vm/a.qcow2']);
    expect(draft.changes).toEqual(['/vm/base.qcow2', '/vm/b.qcow2', '/vm/a.qcow2']);
    expect(draft.tree!.after).toEqual([{ name: 's2', parent: null, current: true }]);
    expect(draft.warnings).toMatchObject([{ key: 'plans.delete.warning.reparented' }]);
  });

  it('with --children: leaves first, each folded on the chain the one before left, one plan', () => {
    const draft = remove({ children: true }, chain);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', '/vm/a.qcow2', '--wait', '--verbose'),
      metadata('s2'),
      // After the first pivot the domain writes a: now the active layer, committed into base.
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', '/vm/base.qcow2', '--wait', '--verbose'),
      metadata('s1'),
      'trash /vm/b.qcow2',
      'trash /vm/a.qcow2',
    ]);
    expect(draft.lost.map((lost) => lost.values.name)).toEqual(['s2', 's1']);
    expect(draft.tree!.after).toEqual([]);
  });

  it('a checkpoint: its memory file goes to the trash once the record is gone, and the RAM saved with it is said to be lost', () => {
    const mem = snapshot('s2', { parent: 's1', memory: 'external', memoryFile: '/vm/s2.mem', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/b.qcow2' }] });
    const draft = remove({ snapshot: 's2' }, { ...chain, domains: [web({ snapshots: [s1, mem] })], existing: ['/vm/s2.mem'] });
    expect(shown(draft).slice(-3)).toEqual([metadata('s2'), 'trash /vm/b.qcow2', 'trash /vm/s2.mem']);
    expect(draft.unused).toEqual(['/vm/b.qcow2', '/vm/s2.mem']);
    expect(draft.lost).toMatchObject([{ key: 'plans.delete.lost.memory' }]);
  });
});

describe('a snapshot whose files are missing', () => {
  it.each([
    ['its overlay', { images: [base, b], domains: [web()] }, '/vm/a.qcow2'],
    ['the file below its overlay', { images: [{ ...a, backing: { ...a.backing!, exists: false, image: null, path: '/vm/gone.qcow2' } }, b], domains: [web()] }, '/vm/gone.qcow2'],
  ] as const)('is blocked when %s is not there, naming it: metadata only instead', (_, parts, path) => {
    expect(remove({}, parts).blockers).toMatchObject([{ code: 'file-missing', values: { path }, alternatives: [{ key: 'plans.delete.alternative.metadataOnly' }] }]);
  });
});

describe('a snapshot of two disks', () => {
  it('folds each disk on its own chain, then deletes the one record', () => {
    const [vb, vt] = [image('/vm/data.qcow2'), overlay('/vm/data.s1.qcow2', image('/vm/data.qcow2'))];
    const both = snapshot('s1', { disks: [{ target: 'vda', snapshot: 'external', file: '/vm/b.qcow2' }, { target: 'vdb', snapshot: 'external', file: '/vm/data.s1.qcow2' }] });
    const parts: WorldParts = { images: [base, a, b, vb, vt], domains: [domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/b.qcow2', '/vm/a.qcow2', '/vm/base.qcow2']), disk('vdb', ['/vm/data.s1.qcow2', '/vm/data.qcow2'])], snapshots: [both] })] };
    const draft = remove({}, parts);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft).filter((line) => !line.startsWith('define'))).toEqual([
      '/usr/bin/qemu-img commit -p -f qcow2 -d -- /vm/b.qcow2',
      '/usr/bin/qemu-img commit -p -f qcow2 -d -- /vm/data.s1.qcow2',
      metadata('s1'),
      'trash /vm/b.qcow2',
      'trash /vm/data.s1.qcow2',
    ]);
  });
});

describe('files in the trash', () => {
  it('are no dependents: an overlay an earlier delete trashed does not stop a commit into the file it stood on', () => {
    const gone = overlay('/vm/.snaptree-trash/j1/a.qcow2', base);
    const onBase: WorldParts = {
      images: [base, gone, overlay('/vm/b.qcow2', base)],
      domains: [domain('web', { disks: [disk('vda', ['/vm/b.qcow2', '/vm/base.qcow2'])], snapshots: [{ ...s2, parent: null }] })],
      trash: [{ job: 'j1', path: '/vm/a.qcow2', trashed: gone.path, bytes: 5, at: '' }],
    };
    expect(shown(remove({ snapshot: 's2' }, onBase))[0]).toBe(virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', '/vm/base.qcow2', '--wait', '--verbose'));
  });
});

describe('deleting an external snapshot of a shut-off domain', () => {
  it('qemu-img commit -d into the file below, the overlay above re-pointed with formats named, the disk redefined without the stale chain', () => {
    const draft = remove({}, shutOff);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      '/usr/bin/qemu-img commit -p -f qcow2 -d -- /vm/a.qcow2',
      '/usr/bin/qemu-img rebase -u -f qcow2 -b /vm/base.qcow2 -F qcow2 -- /vm/b.qcow2',
      `define ${JSON.stringify({ kind: 'switch-disk', target: 'vda', path: '/vm/b.qcow2', format: 'qcow2' })}`,
      metadata('s1'),
      'trash /vm/a.qcow2',
    ]);
    expect(draft.steps[0]).toMatchObject({ progress: 'qemu-img', cancel: 'sigint' });
  });

  it.each(['backing-format-mismatch', 'no-backing-format', 'backing-loop', 'backing-ambiguous'] as const)('is refused, as a commit of the overlay would be, where its chain says %s: qemu-img would write over the header of the file below, or into a file the guest may not read', (code) => {
    const unsure = { ...shutOff, images: shutOff.images!.map((one) => (one.path === '/vm/a.qcow2' ? { ...one, problems: [{ code, key: '', values: {}, message: '' }] } : one)) };
    const draft = remove({}, unsure);
    expect(draft.blockers.length).toBeGreaterThan(0);
    expect(draft.blockers.map((one) => one.values.layer ?? one.values.path)).toContain('/vm/a.qcow2');
  });

  it('is refused where a QEMU that libvirt does not run has one of its files open (rule 2): qemu-img must not write under it', () => {
    expect(codes(remove({}, { ...shutOff, qemuHolds: ['/vm/base.qcow2'] }))).toEqual(['held-outside']);
  });

  it('a leaf: the disk is switched to the file below, which the domain then writes', () => {
    const draft = remove({ snapshot: 's2' }, shutOff);
    expect(shown(draft)).toEqual(['/usr/bin/qemu-img commit -p -f qcow2 -d -- /vm/b.qcow2', `define ${JSON.stringify({ kind: 'switch-disk', target: 'vda', path: '/vm/a.qcow2', format: 'qcow2' })}`, metadata('s2'), 'trash /vm/b.qcow2']);
  });

  it('with an internal parent (libvirt 9.0 refuses it): folded the same way, the internal snapshot kept in the base', () => {
    const withInternal = image('/vm/base.qcow2', { snapshots: [{ id: '1', name: 'i0', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] });
    const i0 = snapshot('i0', { disks: [{ target: 'vda', snapshot: 'internal', file: null }], stateFiles: ['/vm/base.qcow2'] });
    const draft = remove({}, { images: [withInternal, overlay('/vm/a.qcow2', withInternal), b], domains: [web({ state: 'shut off', snapshots: [i0, { ...s1, parent: 'i0' }, s2] })] });
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)[0]).toBe('/usr/bin/qemu-img commit -p -f qcow2 -d -- /vm/a.qcow2');
    expect(draft.tree!.after).toEqual([{ name: 'i0', parent: null, current: false }, { name: 's2', parent: 'i0', current: true }]);
  });

  it('--metadata-only: the records alone, every file kept and said so', () => {
    const draft = remove({ metadataOnly: true, children: true }, shutOff);
    expect(shown(draft)).toEqual([metadata('s2'), metadata('s1')]);
    expect(draft.unused).toEqual([]);
    expect(draft.changes).toEqual([]);
    expect(draft.warnings).toMatchObject([{ key: 'plans.delete.warning.filesKept', values: { files: '/vm/b.qcow2, /vm/a.qcow2, /vm/base.qcow2' } }]);
  });
});

describe('two branches share a file (reference 6.2: after a revert)', () => {
  it('deleting the snapshot whose overlay both stand on: committed into the file below, the running branch re-pointed by libvirt, the other by rebase -u; nothing of either lost', () => {
    const draft = remove({ snapshot: 'ext1' }, reverted());
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--top', '/vm/e1.qcow2', '--base', '/vm/a.qcow2', '--wait', '--verbose'),
      '/usr/bin/qemu-img rebase -u -f qcow2 -b /vm/a.qcow2 -F qcow2 -- /vm/m.qcow2',
      metadata('ext1'),
      'trash /vm/e1.qcow2',
    ]);
    expect(draft.unused).toEqual(['/vm/e1.qcow2']);
    expect(draft.locks.files).toEqual(expect.arrayContaining(['/vm/r.qcow2', '/vm/e1.qcow2', '/vm/a.qcow2', '/vm/m.qcow2']));
  });

  it('deleting the snapshot whose state another branch reads: that file is not written; its data is pulled up into the overlay (safe rebase), and the plan says who still uses it', () => {
    const draft = remove({ snapshot: 'mem1' }, reverted());
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual(['/usr/bin/qemu-img rebase -p -f qcow2 -b /vm/a.qcow2 -F qcow2 -- /vm/m.qcow2', metadata('mem1')]);
    expect(draft.changes).toEqual(['/vm/m.qcow2']);
    expect(draft.unused).toEqual([]);
    expect(draft.bytes).toBe(e1.actualSize);
    expect(draft.warnings).toMatchObject([{ key: 'plans.delete.warning.stillUsed', values: { path: '/vm/e1.qcow2', users: '/vm/r.qcow2' } }]);
  });

  it('with --children from ext1: where leaves first would make ext1\'s own state shared, ext1 is folded first, then each below it on the chain that leaves', () => {
    const x2 = overlay('/vm/x2.qcow2', image('/vm/m.qcow2'));
    const ext2 = snapshot('ext2', { parent: 'mem1', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/x2.qcow2' }] });
    const parts = reverted();
    const withExt2: WorldParts = { images: [...parts.images!, x2], domains: [{ ...parts.domains![0]!, snapshots: [...parts.domains![0]!.snapshots, ext2] }] };
    const draft = remove({ snapshot: 'ext1', children: true }, withExt2);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--top', '/vm/e1.qcow2', '--base', '/vm/a.qcow2', '--wait', '--verbose'),
      '/usr/bin/qemu-img rebase -u -f qcow2 -b /vm/a.qcow2 -F qcow2 -- /vm/m.qcow2',
      metadata('ext1'),
      // m now stands on a beside r: a is not written; m takes it all.
      '/usr/bin/qemu-img rebase -p -f qcow2 -b  -F qcow2 -- /vm/m.qcow2',
      metadata('mem1'),
      '/usr/bin/qemu-img commit -p -f qcow2 -d -- /vm/x2.qcow2',
      metadata('ext2'),
      'trash /vm/e1.qcow2',
      'trash /vm/x2.qcow2',
    ]);
    expect(draft.lost.map((lost) => lost.values.name)).toEqual(['ext1', 'mem1', 'ext2']);
  });

  it('the shared file a base: the overlay takes all of it, -b ""', () => {
    const parts = sharedBelowActive('base');
    const offline = { ...parts, domains: parts.domains!.map((one) => ({ ...one, state: 'shut off' })) };
    expect(shown(remove({ snapshot: 's' }, offline))[0]).toBe('/usr/bin/qemu-img rebase -p -f qcow2 -b  -F qcow2 -- /vm/r.qcow2');
  });

  it.each([
    ['e1', ['--base', '/vm/a.qcow2']],
    ['base', []],
  ] as const)('the overlay the running domain writes, on a shared file (%s): a block pull into it', (below, baseArgs) => {
    const draft = remove({ snapshot: 's' }, sharedBelowActive(below));
    expect(shown(draft)).toEqual([virsh('blockpull', '--domain', 'web', '--path', 'vda', ...baseArgs, '--wait', '--verbose'), metadata('s')]);
  });
});

describe('deleting a snapshot is blocked', () => {
  it.each([
    ['no such snapshot', { snapshot: 'nope' }, chain, 'no-snapshot'],
    ['no such domain', { domain: 'nope' }, chain, 'no-domain'],

    ['its overlay holds internal snapshots that read through it', {}, overlayWithInternal, 'overlay-has-internal'],
    ["its overlay is an inner layer of a running chain and the file below is another branch's too", {}, innerLayer('branch'), 'pull-intermediate'],
    ['its overlay is in the running chains of two domains', {}, innerLayer('domain'), 'held-twice'],
    ['the file below its overlay, which another branch uses too, is the layer a running domain writes', {}, stateWritten, 'state-written'],
    ["a file the domain's snapshots name is there but was not scanned: another branch may stand on it", {}, { ...chain, existing: ['/elsewhere/m.qcow2'], domains: [web({ snapshots: [s1, s2, snapshot('m', { disks: [{ target: 'vda', snapshot: 'external', file: '/elsewhere/m.qcow2' }] })] })] }, 'files-unscanned'],
    ['virsh is not installed', {}, { ...chain, tools: { qemuImg: '/usr/bin/qemu-img', virsh: null } }, 'tool-missing'],
    ['qemu-img is not installed, and a shut-off domain needs it', {}, { ...shutOff, tools: { qemuImg: null, virsh: '/usr/bin/virsh' } }, 'tool-missing'],
  ] as const)('%s', (_, fields, parts, code) => {
    const draft = remove(fields, parts);
    expect(codes(draft)).toContain(code);
  });

});

describe('a snapshot whose overlay another domain runs on', () => {
  it("is folded by that domain's block job, and the shut-off owner's own branch re-pointed by hand", () => {
    const parts: WorldParts = { images: [base, a, b, overlay('/vm/c.qcow2', a)], domains: [domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/b.qcow2', '/vm/a.qcow2', '/vm/base.qcow2'])], snapshots: [s1, s2] }), domain('two', { disks: [disk('vda', ['/vm/c.qcow2', '/vm/a.qcow2', '/vm/base.qcow2'])] })] };
    const draft = remove({}, parts);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft).slice(0, 3)).toEqual([
      ['/usr/bin/virsh', '-c', URI, 'blockcommit', '--domain', 'two', '--path', 'vda', '--top', '/vm/a.qcow2', '--base', '/vm/base.qcow2', '--wait', '--verbose'].join(' '),
      '/usr/bin/qemu-img rebase -u -f qcow2 -b /vm/base.qcow2 -F qcow2 -- /vm/b.qcow2',
      `define ${JSON.stringify({ kind: 'switch-disk', target: 'vda', path: '/vm/b.qcow2', format: 'qcow2' })}`,
    ]);
    expect(draft.locks.domains.map((lock) => lock.name)).toEqual(['web', 'two']);
  });
});

describe('names reach the tools as themselves', () => {
  it.each(HOSTILE)('snapshot and file %j', (name) => {
    const o = overlay(`/vm/${name}.qcow2`, base);
    const s = snapshot(name, { disks: [{ target: 'vda', snapshot: 'external', file: o.path }] });
    const draft = remove({ snapshot: name }, { images: [base, o], domains: [domain('web', { state: 'shut off', disks: [disk('vda', [o.path, base.path])], snapshots: [s] })] });
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv.slice(-2)).toEqual(['--', o.path]);
    expect((draft.steps.at(-2) as RunStep).argv).toEqual(['/usr/bin/virsh', '-c', URI, 'snapshot-delete', '--domain', 'web', '--snapshotname', name, '--metadata']);
  });
});

describe("deleting an image's internal snapshot", () => {
  const img = lone;
  const removeImage = (name: string, parts: WorldParts = { images: [img] }) => plan(Intent.parse({ kind: 'image-snapshot-delete', image: '/vm/lone.qcow2', name }), world(parts));

  it('of two with one name: qemu-img deletes the first in the table, and the plan names it by its ID and says which stay', () => {
    const draft = removeImage('snap1');
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv).toEqual(['/usr/bin/qemu-img', 'snapshot', '-d', 'snap1', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=/vm/lone.qcow2']);
    expect(draft.warnings).toMatchObject([{ key: 'plans.delete.warning.sameName', values: { id: '1', others: '3' } }]);
  });

  it("named as another one's ID: -d matches names alone, so the one named goes", () => {
    expect(removeImage('1').steps[0]).toMatchObject({ says: { values: { id: '2' } }, argv: expect.arrayContaining(['-d', '1']) });
  });

  it.each([
    ['no snapshot of that name', 'nope', { images: [img] }, 'no-snapshot'],
    ['a running QEMU holds it: through the domain instead', 'snap1', { images: [img], domains: [domain('web', { disks: [disk('vda', ['/vm/lone.qcow2'])] })] }, 'held-by-qemu'],
    ['it is a libvirt snapshot of a shut-off domain', 'snap1', { images: [img], domains: [domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/lone.qcow2'])], snapshots: [snapshot('snap1', { stateFiles: ['/vm/lone.qcow2'] })] })] }, 'libvirt-snapshot'],
    ['a QEMU that libvirt does not run has it open (rule 2)', 'snap1', { images: [img], qemuHolds: ['/vm/lone.qcow2'] }, 'held-outside'],
    ['qemu-img is not installed', 'snap1', { images: [img], tools: { qemuImg: null, virsh: '/usr/bin/virsh' } }, 'tool-missing'],
  ] as const)('is blocked: %s', (_, name, parts, code) => {
    expect(codes(removeImage(name, parts))).toContain(code);
  });
});
