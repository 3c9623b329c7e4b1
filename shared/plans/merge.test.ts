import { describe, expect, it } from 'vitest';
import { Intent, type IntentInput } from './intent.js';
import type { DefineStep, PlanDraft, RunStep, StepInput } from './plan.js';
import { plan } from './planners.js';
import { HOSTILE, URI, image, overlay, world, type WorldParts } from './world.test-support.js';
import { bare, base, chain, ofDomain, sn1, sn2, sn3, withSibling } from './merge.test-support.js';

const codes = (draft: PlanDraft) => draft.blockers.map((blocker) => blocker.code);
/** Each step as the dialog lists it: a command, a define, or a file to the trash. */
const shown = (draft: PlanDraft) =>
  draft.steps.map((step: StepInput) =>
    step.op === 'run' ? (step as RunStep).argv.join(' ') : step.op === 'trash' ? `trash ${step.path}` : step.op === 'mark-folded' ? `mark ${step.snapshot}` : `define ${JSON.stringify((step as DefineStep).edit)}`,
  );
const merge = (intent: IntentInput, parts: WorldParts, freeBytes?: number) => plan(Intent.parse(intent), world({ ...parts, freeBytes }));
const commit = (image: string, into?: string, fields: object = {}): IntentInput => ({ kind: 'commit', image, ...(into ? { into } : {}), ...fields });
const pull = (image: string, base?: string, fields: object = {}): IntentInput => ({ kind: 'pull', image, ...(base ? { base } : {}), ...fields });
const virsh = (...words: string[]) => ['/usr/bin/virsh', '-c', URI, ...words].join(' ');
const qemuImg = (...words: string[]) => ['/usr/bin/qemu-img', ...words].join(' ');
const metadata = (name: string) => virsh('snapshot-delete', '--domain', 'web', '--snapshotname', name, '--metadata');
const MiB = 1 << 20;

describe('committing bare images (no QEMU holds them): qemu-img', () => {
  it('the top into its backing file: commit -d, then the top to the trash; the plan says the bytes, the space given back', () => {
    const draft = merge(commit(sn3.path), bare);
    expect(draft.blockers).toEqual([]);
    expect(draft.title).toMatchObject({ key: 'plans.merge.title.commit', values: { image: sn3.path, into: sn2.path } });
    expect(shown(draft)).toEqual([qemuImg('commit', '-p', '-f', 'qcow2', '-d', '--', sn3.path), `trash ${sn3.path}`]);
    expect(draft.steps[0]).toMatchObject({ progress: 'qemu-img', cancel: 'sigint' });
    expect(draft.changes).toEqual([sn2.path, sn3.path]);
    expect(draft.unused).toEqual([sn3.path]);
    expect(draft.bytes).toBe(sn3.actualSize);
    expect(draft.warnings).toMatchObject([{ key: 'plans.merge.warning.givesBack', values: { size: '1.0 MiB' } }]);
    expect(draft.locks.files).toEqual([sn3.path, sn2.path]);
  });

  it('several levels, the seeds\' example sn3 onto sn1: one single-level commit per layer, the lowest first, each into sn1, the top re-pointed between', () => {
    const draft = merge(commit(sn3.path, sn1.path), bare);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      qemuImg('commit', '-p', '-f', 'qcow2', '-d', '--', sn2.path),
      qemuImg('rebase', '-u', '-f', 'qcow2', '-b', sn1.path, '-F', 'qcow2', '--', sn3.path),
      qemuImg('commit', '-p', '-f', 'qcow2', '-d', '--', sn3.path),
      `trash ${sn2.path}`,
      `trash ${sn3.path}`,
    ]);
    expect(draft.unused).toEqual([sn2.path, sn3.path]);
    expect(draft.bytes).toBe(sn2.actualSize + sn3.actualSize);
  });

  it("a middle layer: its overlay is re-pointed onto the image it was committed into", () => {
    const draft = merge(commit(sn2.path), bare);
    expect(shown(draft)).toEqual([qemuImg('commit', '-p', '-f', 'qcow2', '-d', '--', sn2.path), qemuImg('rebase', '-u', '-f', 'qcow2', '-b', sn1.path, '-F', 'qcow2', '--', sn3.path), `trash ${sn2.path}`]);
    expect(draft.locks.files).toContain(sn3.path);
  });

  it.each(HOSTILE)('the file name %j reaches qemu-img as itself, after --', (name) => {
    const low = image(`/vm/${name}.qcow2`);
    const top = overlay(`/vm/${name}.top.qcow2`, low);
    const draft = merge(commit(top.path), { images: [low, top] });
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv.slice(-2)).toEqual(['--', top.path]);
  });
});

describe('blocked drops, each with a code and a sentence', () => {
  it.each(['no-backing-format', 'backing-format-mismatch'] as const)("rule 3: a chain whose header says %s is blocked: qemu-img would write the data over the header of a layer it took for raw", (code) => {
    const low = image('/vm/low.qcow2');
    const top = overlay('/vm/top.qcow2', low, { problems: [{ code, key: '', values: {}, message: '' }] });
    for (const intent of [commit(top.path), pull(top.path)]) {
      expect(merge(intent, { images: [low, top] }).blockers, intent.kind).toMatchObject([{ code: `layer-${code}`, values: { path: top.path, layer: top.path, problem: code }, alternatives: [{ key: 'plans.alternative.recordFormat' }] }]);
    }
  });

  it('rule 8: backing files that lead back to a layer above: blocked, with no steps (they would name the wrong files)', () => {
    const loop = [{ code: 'backing-loop' as const, key: '', values: {}, message: '' }];
    const a = image('/vm/a.qcow2', { backing: { name: '/vm/b.qcow2', path: '/vm/b.qcow2', format: 'qcow2', exists: true, image: '/vm/b.qcow2' }, problems: loop });
    const b = overlay('/vm/b.qcow2', a, { problems: loop });
    for (const intent of [commit(b.path), pull(b.path)]) {
      const draft = merge(intent, { images: [a, b] });
      expect(draft.blockers, intent.kind).toMatchObject([{ code: 'layer-backing-loop', values: { path: b.path, layer: b.path }, alternatives: [{ key: 'plans.alternative.fixLoop' }] }, { code: 'layer-backing-loop', values: { layer: a.path } }]);
      expect(draft.steps).toEqual([]);
    }
  });

  it('rule 1: a base with other overlays; the alternatives are the same fold the other way (a pull) and the sibling moved off first', () => {
    const [blocker, ...others] = merge(commit(sn2.path), withSibling(sn1)).blockers;
    expect(others).toEqual([]);
    expect(blocker).toMatchObject({ code: 'base-shared', values: { path: sn1.path, users: '/vm/sibling.qcow2' } });
    expect(blocker!.alternatives).toMatchObject([
      { key: 'plans.merge.alternative.pull', values: { image: sn2.path, into: sn1.path, base: base.path } },
      { key: 'plans.merge.alternative.rebaseSiblings', values: { users: '/vm/sibling.qcow2', path: sn1.path } },
    ]);
    // The alternative planned: sn2 takes sn1's data and backs onto the base; sn1 stays for the sibling.
    const instead = merge(pull(sn2.path, base.path), withSibling(sn1));
    expect(instead.blockers).toEqual([]);
    expect(shown(instead)).toEqual([qemuImg('rebase', '-p', '-f', 'qcow2', '-b', base.path, '-F', 'qcow2', '--', sn2.path)]);
    expect(instead.warnings).toMatchObject([{ key: 'plans.delete.warning.stillUsed', values: { path: sn1.path, users: '/vm/sibling.qcow2' } }]);
  });

  it("rule 1 through a layer between: a sibling of sn2 would read sn3's data once sn2's commit re-points it onto sn1", () => {
    expect(codes(merge(commit(sn3.path, sn1.path), withSibling(sn2)))).toEqual(['base-shared']);
  });

  it('rule 1 where the base of a pull-instead has no backing file: the pull flattens', () => {
    const [blocker] = merge(commit(sn1.path), withSibling(base)).blockers;
    expect(blocker!.alternatives[0]).toMatchObject({ key: 'plans.merge.alternative.pullFlatten', values: { image: sn1.path, into: base.path } });
  });

  it.each([
    ['not in this chain', commit(sn3.path, '/vm/other.qcow2'), { images: [...chain, image('/vm/other.qcow2')] }, 'not-in-chain'],
    ['onto itself', commit(sn3.path, sn3.path), bare, 'not-in-chain'],
    ['onto an overlay above it', commit(sn1.path, sn3.path), bare, 'not-in-chain'],
    ['a base has nothing below it', commit(base.path), bare, 'is-base'],
    ['the image is not there', commit('/vm/gone.qcow2'), bare, 'image-missing'],
    ['an encrypted layer', commit(sn3.path, sn1.path), { images: [base, sn1, overlay(sn2.path, sn1, { encrypted: true }), sn3] }, 'image-encrypted'],
    ['a corrupt target is not written', commit(sn3.path), { images: [base, sn1, overlay(sn2.path, sn1, { corrupt: true }), sn3] }, 'image-corrupt'],
    ['a pull onto a file not below it', pull(sn1.path, sn3.path), bare, 'not-in-chain'],
    ['a pull onto its own backing file: nothing between', pull(sn3.path, sn2.path), bare, 'nothing-between'],
    ['a pull into an encrypted image', pull(sn3.path, sn1.path), { images: [base, sn1, sn2, overlay(sn3.path, sn2, { encrypted: true })] }, 'image-encrypted'],
    ['a pull into an image with internal snapshots, which read through', pull(sn3.path), { images: [base, sn1, sn2, overlay(sn3.path, sn2, { snapshots: [{ id: '1', name: 'i', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] })] }, 'overlay-has-internal'],
    ['a pull into a layer below the active one of a running domain', pull(sn2.path, base.path), ofDomain(), 'pull-not-active'],
    ['a layer a QEMU libvirt does not run has open', commit(sn3.path, sn1.path), { ...bare, qemuHolds: [sn2.path] }, 'held-outside'],
    ['a pull into an image a QEMU libvirt does not run has open', pull(sn3.path), { ...bare, qemuHolds: [sn3.path] }, 'held-outside'],
  ] as const)('%s', (_, intent, parts, code) => {
    expect(codes(merge(intent, parts))).toContain(code);
  });

  it("a running domain's QEMU holds its own chain: that is a block job, not a QEMU outside libvirt", () => {
    const draft = merge(commit(sn3.path), { ...ofDomain(), qemuHolds: chain.map((layer) => layer.path) });
    expect(draft.blockers).toEqual([]);
  });

  it('not enough free space for the bytes to copy, with the figures', () => {
    const [blocker] = merge(commit(sn3.path, sn1.path), bare, MiB).blockers;
    expect(blocker).toMatchObject({ code: 'no-space', values: { path: sn1.path, size: '2.0 MiB', free: '1.0 MiB' } });
    expect(merge(commit(sn3.path, sn1.path), bare, 2 * MiB).blockers).toEqual([]);
  });

  it('a tool that is not installed', () => {
    expect(codes(merge(commit(sn3.path), { ...bare, tools: { qemuImg: null, virsh: '/usr/bin/virsh' } }))).toEqual(['tool-missing']);
    expect(codes(merge(pull(sn3.path), { ...bare, tools: { qemuImg: null, virsh: '/usr/bin/virsh' } }))).toEqual(['tool-missing']);
  });

  it.each(HOSTILE)('a pull reaches qemu-img with the file name %j as itself, after --', (name) => {
    const low = image(`/vm/${name}.qcow2`);
    const mid = overlay(`/vm/${name}.mid.qcow2`, low);
    const top = overlay(`/vm/${name}.top.qcow2`, mid);
    const draft = merge(pull(top.path, low.path), { images: [low, mid, top] });
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv.slice(-2)).toEqual(['--', top.path]);
  });
});

describe('pulling bare images: safe qemu-img rebase', () => {
  it('two levels up into sn3, which then backs onto sn1: one rebase per layer, the layer nothing uses any more to the trash', () => {
    const draft = merge(pull(sn3.path, base.path), bare);
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      qemuImg('rebase', '-p', '-f', 'qcow2', '-b', sn1.path, '-F', 'qcow2', '--', sn3.path),
      qemuImg('rebase', '-p', '-f', 'qcow2', '-b', base.path, '-F', 'qcow2', '--', sn3.path),
      `trash ${sn2.path}`,
      `trash ${sn1.path}`,
    ]);
    expect(draft.changes).toEqual([sn3.path, sn2.path, sn1.path]);
    expect(draft.bytes).toBe(sn2.actualSize + sn1.actualSize);
  });

  it('flatten (no base): the last rebase is onto nothing, -b ""', () => {
    const draft = merge(pull(sn2.path), bare);
    expect(draft.title.key).toBe('plans.merge.title.flatten');
    expect(shown(draft)).toEqual([
      qemuImg('rebase', '-p', '-f', 'qcow2', '-b', base.path, '-F', 'qcow2', '--', sn2.path),
      qemuImg('rebase', '-p', '-f', 'qcow2', '-b', '', '-F', 'qcow2', '--', sn2.path),
      `trash ${sn1.path}`,
      `trash ${base.path}`,
    ]);
  });
});

describe("a running domain's chain: libvirt block jobs", () => {
  it('an intermediate layer: blockcommit --top --base; libvirt re-points the layer above; the snapshot whose state was written is lost, its record removed; the one whose state was the top lives on in the base', () => {
    const draft = merge(commit(sn2.path), ofDomain());
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--top', sn2.path, '--base', sn1.path, '--wait', '--verbose'),
      metadata('s2'),
      `trash ${sn2.path}`,
    ]);
    expect(draft.steps[0]).toMatchObject({ progress: 'virsh-block-job', cancel: 'blockjob-abort', domain: { uuid: 'uuid-web', disk: 'vda' } });
    // s3's state was sn2: sn1 now reads as sn2 did, and s3's overlay is re-pointed onto it.
    expect(draft.lost).toMatchObject([{ key: 'plans.merge.lost.snapshot', values: { name: 's2' } }]);
    expect(draft.tree!.after.map((node) => [node.name, node.parent])).toEqual([
      ['s1', null],
      ['s3', 's1'],
    ]);
  });

  it('two levels from the active layer: the lower layer by a commit job first, then the active one with a pivot, both into sn1', () => {
    const draft = merge(commit(sn3.path, sn1.path), ofDomain());
    expect(shown(draft).slice(0, 2)).toEqual([
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--top', sn2.path, '--base', sn1.path, '--wait', '--verbose'),
      virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', sn1.path, '--wait', '--verbose'),
    ]);
  });

  it('the active layer with another overlay on it is refused: after the pivot the guest would write into the file that overlay stands on', () => {
    const parts = ofDomain();
    const draft = merge(commit(sn3.path), { ...parts, images: [...parts.images!, overlay('/vm/on-active.qcow2', sn3)] });
    expect(draft.blockers).toMatchObject([{ code: 'active-has-overlays', values: { path: sn3.path, overlays: '/vm/on-active.qcow2' } }]);
  });

  it('the active layer: --active --pivot', () => {
    const draft = merge(commit(sn3.path), ofDomain());
    expect(shown(draft)[0]).toBe(virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', sn2.path, '--wait', '--verbose'));
    expect(draft.locks.domains.map((lock) => lock.name)).toEqual(['web']);
  });

  it('removing the records offers, as one click, the same merge with the records kept and marked', () => {
    const offer = merge(commit(sn3.path), ofDomain()).warnings.find((warning) => warning.key === 'plans.merge.warning.recordsRemoved');
    expect(offer).toMatchObject({ values: { names: 's3' }, intent: { kind: 'commit', image: sn3.path, keepMetadata: true } });
  });

  it('keepMetadata keeps the records and says so', () => {
    const draft = merge(commit(sn3.path, undefined, { keepMetadata: true }), ofDomain());
    // Kept, and marked in its description as folded away (virsh snapshot-create --redefine).
    expect(shown(draft)).toEqual([virsh('blockcommit', '--domain', 'web', '--path', 'vda', '--active', '--pivot', '--base', sn2.path, '--wait', '--verbose'), 'mark s3', `trash ${sn3.path}`]);
    expect(draft.steps[1]).toMatchObject({ op: 'mark-folded', shows: [[expect.any(String), '-c', URI, 'snapshot-dumpxml', '--domain', 'web', '--snapshotname', 's3', '--security-info'], [expect.any(String), '-c', URI, 'snapshot-create', '--domain', 'web', '--xmlfile', '/dev/stdin', '--redefine']] });
    expect(draft.lost).toMatchObject([{ values: { name: 's3' } }]);
    expect(draft.warnings).toContainEqual(expect.objectContaining({ key: 'plans.merge.warning.metadataKept', values: { names: 's3' } }));
    expect(draft.tree).toBeUndefined();
  });

  it('a pull into the active layer: one blockpull per layer, down to the base asked for', () => {
    const draft = merge(pull(sn3.path, sn1.path), ofDomain());
    expect(draft.blockers).toEqual([]);
    expect(shown(draft)).toEqual([virsh('blockpull', '--domain', 'web', '--path', 'vda', '--base', sn1.path, '--wait', '--verbose'), metadata('s2'), metadata('s3'), `trash ${sn2.path}`]);
  });

  it('shut off: qemu-img, and the persistent definition is written once, on the chain as it ends up', () => {
    const draft = merge(commit(sn3.path, sn1.path), ofDomain('shut off'));
    expect(draft.blockers).toEqual([]);
    expect(shown(draft).filter((step) => step.startsWith('define'))).toEqual([`define ${JSON.stringify({ kind: 'switch-disk', target: 'vda', path: sn1.path, format: 'qcow2' })}`]);
    expect(shown(draft).indexOf(`define ${JSON.stringify({ kind: 'switch-disk', target: 'vda', path: sn1.path, format: 'qcow2' })}`)).toBe(3);
  });
});
