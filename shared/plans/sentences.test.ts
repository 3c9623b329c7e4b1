/**
 * Every plan below is of the shape the core parses, and every sentence a plan says (title, steps, blockers and their alternatives, warnings,
 * lost states, what a cancel leaves) has an English template that gives its `message`,
 * the same English in the window's i18next, and Chinese with every placeholder and nested
 * word filled in; and every template of the planners' catalogue is said by some plan.
 */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { CATALOGUES } from '../../renderer/src/i18n/catalogues.js';
import { say } from '../messages/problems.js';
import { planProblems } from '../messages/plan-problems.js';
import type { Sentence } from '../messages/sentence.js';
import { Intent, type IntentInput } from './intent.js';
import { PlanDraftSchema, type PlanDraft } from './plan.js';
import { plan } from './planners.js';
import { URI, disk, domain, image, overlay, snapshot, world, type WorldParts } from './world.test-support.js';
import * as deleting from './delete.test-support.js';
import * as merging from './merge.test-support.js';

const i18n = i18next.createInstance();
void i18n.init({ resources: CATALOGUES, fallbackLng: 'en', ns: Object.keys(CATALOGUES.en), interpolation: { escapeValue: false }, initAsync: false });

const raw = image('/vm/web.img', { format: 'raw', snapshots: [{ id: '1', name: 'int', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] });
const base = image('/vm/base.qcow2');
const top = overlay('/vm/top.qcow2', base);
const web = domain('web', { display: true, disks: [disk('vda', ['/vm/top.qcow2', '/vm/base.qcow2']), disk('sda', ['/iso/d.iso'], { device: 'cdrom', readonly: true })], snapshots: [snapshot('old')] });
const off = domain('off', { state: 'shut off', disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })], snapshots: [snapshot('s0', { stateFiles: ['/vm/web.img'] })] });
const images = [raw, base, top, overlay('/vm/branch.qcow2', raw)];
const parts: WorldParts = { images, domains: [web, off], existing: ['/vm/taken', '/elsewhere/x.img'] };
const snap = (fields: object): IntentInput => ({ kind: 'snapshot', uri: URI, domain: 'web', name: 's1', ...fields });

const scenarios: [IntentInput, WorldParts?][] = [
  [snap({})],
  // A block job someone else started on web's disk: a pull halfway, and an active commit waiting for its pivot.
  ...[
    { type: 'Block Pull', cur: 1, end: 4 },
    { type: 'Active Block Commit', cur: 4, end: 4 },
  ].map((blockJob): [IntentInput, WorldParts] => [snap({}), { ...parts, domains: [{ ...web, disks: web.disks.map((each, index) => (index === 0 ? { ...each, blockJob } : each)) }, off] }]),
  [snap({ snapshot: 'disk-only', quiesce: true })],
  [snap({ snapshot: 'memory', memoryFile: '/vm/taken' })],
  [snap({ snapshot: 'memory', files: { vda: '/vm/twice', vdz: '/vm/z' }, memoryFile: '/vm/twice' })],
  [snap({ name: '', live: true, quiesce: true })],
  [snap({ name: 'a/b' })],
  [snap({ name: '.b' })],
  [snap({ name: 'a\nb' })],
  [snap({ name: 'old', domain: 'nope' })],
  [snap({ name: 'old' })],
  [snap({ domain: 'off', snapshot: 'memory' })],
  [snap({ domain: 'off' })],
  [snap({ domain: 'off', snapshot: 'disk-only', files: { vda: '/vm/a,b.qcow2' } })],
  [snap({ snapshot: 'disk-only', files: { vda: '/vm/a\nb.qcow2' } })],
  [snap({}), { domains: [domain('web', { disks: [] })], tools: { qemuImg: null, virsh: null } }],
  [{ kind: 'image-snapshot', image: '/vm/base.qcow2', name: '' }],
  [{ kind: 'image-snapshot', image: '/vm/web.img', name: 'int' }],
  [{ kind: 'image-snapshot', image: '/vm/base.qcow2', name: 'x' }, { images: [base] }],
  [{ kind: 'image-snapshot', image: '/vm/gone', name: 'x' }],
  [{ kind: 'image-snapshot', image: '/elsewhere/x.img', name: 'x' }],
  [{ kind: 'image-snapshot', image: '/vm/bad.qcow2', name: 'x' }, { images: [image('/vm/bad.qcow2', { corrupt: true })] }],
  [{ kind: 'image-snapshot', image: '/vm/u.qcow2', name: 'x' }, { images: [image('/vm/u.qcow2', { format: 'unknown' })] }],
  [{ kind: 'overlay', image: '/vm/top.qcow2', path: '/vm/taken' }],
  [{ kind: 'overlay', image: '/vm/top.qcow2', path: '/vm/n.qcow2' }, { images, qemuHolds: ['/vm/top.qcow2'], qemuWrites: ['/vm/top.qcow2'] }],
  [{ kind: 'overlay', image: '/vm/bad.qcow2', path: '/vm/n' }, { images: [image('/vm/bad.qcow2', { encrypted: true })] }],
  [{ kind: 'overlay', image: '/vm/base.qcow2', path: '/vm/c.qcow2', clone: { uri: URI, domain: 'web', name: 'off' } }],
  [{ kind: 'overlay', image: '/vm/top.qcow2', path: '/vm/c.qcow2', clone: { uri: URI, domain: 'web', name: 'c\nd' } }],
  [{ kind: 'overlay', image: '/vm/web.img', path: '/vm/c.qcow2', clone: { uri: URI, domain: 'web', name: 'c' } }],
  [{ kind: 'overlay', image: '/vm/web.img', path: '/vm/c.qcow2', clone: { uri: URI, domain: 'nope', name: 'c' } }],
  [{ kind: 'overlay', image: '/vm/x.qcow2', path: '/vm/c.qcow2', clone: { uri: URI, domain: 'two', name: 'c' } }, { images: [image('/vm/x.qcow2')], domains: [domain('two', { state: 'shut off', disks: [disk('vda', ['/vm/top2.qcow2', '/vm/x.qcow2']), disk('vdb', ['/vm/y.qcow2'])] })] }],
  [{ kind: 'convert', image: '/vm/web.img', path: '/vm/web.qcow2' }],
  [{ kind: 'convert', image: '/vm/web.img', path: '/vm/web.qcow2' }, { images: [raw], domains: [off] }],
  [{ kind: 'convert', image: '/vm/top.qcow2', path: '/vm/taken' }],
  [{ kind: 'convert', image: '/vm/web.img', path: '/vm/web.qcow2' }, { images: [raw], libvirtStopped: true }],
  [{ kind: 'convert', image: '/vm/o.qcow2', path: '/vm/n.qcow2' }, { images: [raw, overlay('/vm/o.qcow2', raw, { problems: [{ code: 'no-backing-format', key: '', values: {}, message: '' }] })] }],
  [{ kind: 'convert', image: '/vm/o.qcow2', path: '/vm/n.qcow2' }, { images: [raw, overlay('/vm/o.qcow2', raw, { problems: [{ code: 'backing-format-mismatch', key: '', values: {}, message: '' }] })] }],
  [{ kind: 'convert', image: '/vm/top.qcow2', path: '/vm/n.qcow2' }, { images, freeBytes: 0 }],
  [{ kind: 'convert', image: '/vm/top.qcow2', path: '/vm/n.qcow2' }, { images, freeBytes: 0, convertBytes: { '/vm/top.qcow2': 1 << 20 } }],
  [{ kind: 'convert', image: '/vm/top.qcow2', path: '/vm/gone/n.qcow2' }, { images, missingFolders: ['/vm/gone'] }],
  [{ kind: 'convert', image: '/vm/sub', path: '/vm/n.qcow2' }, { images, existing: ['/vm/sub'], missingFolders: [] }],
  [{ kind: 'commit', image: '/vm/o.qcow2' }, { images: [overlay('/vm/o.qcow2', overlay('/vm/o.qcow2', base), { problems: [{ code: 'backing-loop', key: '', values: {}, message: '' }] })] }],
  [{ kind: 'check', image: '/vm/top.qcow2', chain: true }],
  [{ kind: 'check', image: '/vm/base.qcow2' }],
  [{ kind: 'check', image: '/vm/top.qcow2', repair: 'all' }],
  [{ kind: 'check', image: '/vm/web.img', repair: 'leaks' }],
  [{ kind: 'check', image: '/vm/top.qcow2', repair: 'leaks' }],
  [{ kind: 'check', image: '/vm/base.qcow2', repair: 'all' }],
  [{ kind: 'trash-empty' }],
  [{ kind: 'trash-empty', jobs: ['j9'] }, { trash: [{ job: 'j1', path: '/vm/a', trashed: '/vm/.snaptree-trash/j1/a', bytes: 5, at: '' }] }],
  [{ kind: 'trash-empty' }, { trash: [{ job: 'j1', path: '/vm/a', trashed: '/vm/.snaptree-trash/j1/a', bytes: 5, at: '' }] }],
  [{ kind: 'trash-empty' }, { domains: [domain('t', { disks: [disk('vda', ['/vm/a'])], snapshots: [snapshot('s', { stateFiles: ['/vm/a'] })] })], trash: [{ job: 'j1', path: '/vm/a', trashed: '/vm/.snaptree-trash/j1/a', bytes: 5, at: '' }] }],
  // Revert and clone from a snapshot.
  ...revertScenarios(),
  // Deleting snapshots.
  ...([
    [{ snapshot: 's2' }, deleting.chain],
    [{}, deleting.chain],
    [{ children: true }, deleting.chain],
    [{ metadataOnly: true }, deleting.chain],
    [{}, deleting.shutOff],
    [{ snapshot: 'nope' }, deleting.chain],
    [{}, { images: [deleting.b], domains: [deleting.web()] }],
    [{}, deleting.overlayWithInternal],
    [{}, deleting.innerLayer('branch')],
    [{}, deleting.innerLayer('domain')],
    [{}, deleting.stateWritten],
    [{}, { ...deleting.chain, existing: ['/elsewhere/m.qcow2'], domains: [deleting.web({ snapshots: [deleting.s1, snapshot('m', { disks: [{ target: 'vda', snapshot: 'external', file: '/elsewhere/m.qcow2' }] })] })] }],
    [{ snapshot: 'mem1' }, deleting.reverted('shut off')],
    [{ snapshot: 's' }, deleting.sharedBelowActive('e1')],
    [{ snapshot: 's' }, deleting.sharedBelowActive('base')],
    [{ snapshot: 's' }, { ...deleting.sharedBelowActive('base'), domains: deleting.sharedBelowActive('base').domains!.map((one) => ({ ...one, state: 'shut off' })) }],
    [{ snapshot: 'i1' }, deleting.internal],
    [{ snapshot: 'i1' }, { images: [deleting.base, deleting.a], domains: [domain('web', { disks: [disk('vda', ['/vm/a.qcow2', '/vm/base.qcow2'])], snapshots: [snapshot('i1', { stateFiles: ['/vm/base.qcow2'], disks: [{ target: 'vda', snapshot: 'internal', file: null }] })] })] }],
    [{ snapshot: 'i1' }, { ...deleting.internal, domains: deleting.internal.domains!.map((one) => ({ ...one, snapshots: one.snapshots.map((s) => ({ ...s, problems: [{ code: 'stale-snapshot' as const, key: '', values: {}, message: '' }] })) })) }],
    [{ snapshot: 's2' }, { ...deleting.chain, domains: [deleting.web({ snapshots: [deleting.s1, { ...deleting.s2, memory: 'external', memoryFile: '/vm/s2.mem' }] })], existing: ['/vm/s2.mem'] }],
  ] as const).map(([fields, here]): [IntentInput, WorldParts] => [{ kind: 'delete', uri: URI, domain: 'web', snapshot: 's1', ...fields }, here]),
  [{ kind: 'image-snapshot-delete', image: '/vm/lone.qcow2', name: 'snap1' }, { images: [deleting.lone] }],
  [{ kind: 'image-snapshot-delete', image: '/vm/lone.qcow2', name: 'nope' }, { images: [deleting.lone] }],
  [{ kind: 'image-snapshot-delete', image: '/vm/lone.qcow2', name: 'snap1' }, { images: [deleting.lone], domains: [domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/lone.qcow2'])], snapshots: [snapshot('snap1', { stateFiles: ['/vm/lone.qcow2'] })] })] }],
  // Merging chain nodes.
  [{ kind: 'commit', image: merging.sn3.path, into: merging.sn1.path }, merging.ofDomain()],
  [{ kind: 'commit', image: merging.sn3.path, keepMetadata: true }, merging.ofDomain()],
  // Another branch on the layer a running guest writes into (reference 3.6's aftermath): refused.
  [{ kind: 'commit', image: merging.sn3.path }, { ...merging.ofDomain(), images: [...merging.ofDomain().images!, overlay('/vm/on-active.qcow2', merging.sn3)] }],
  [{ kind: 'commit', image: merging.sn2.path }, merging.withSibling(merging.sn1)],
  [{ kind: 'commit', image: merging.sn1.path }, merging.withSibling(merging.base)],
  [{ kind: 'commit', image: merging.base.path }, merging.bare],
  [{ kind: 'commit', image: merging.sn3.path, into: '/vm/elsewhere.qcow2' }, merging.bare],
  [{ kind: 'commit', image: merging.sn3.path }, { images: [merging.base, merging.sn1, merging.sn2, overlay(merging.sn3.path, merging.sn2, { snapshots: [{ id: '1', name: 'i', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] })] }],
  [{ kind: 'pull', image: merging.sn3.path, base: merging.sn1.path }, merging.bare],
  [{ kind: 'pull', image: merging.sn3.path }, { ...merging.bare, freeBytes: 1 }],
  [{ kind: 'pull', image: merging.sn3.path, base: merging.sn2.path }, merging.bare],
  [{ kind: 'pull', image: merging.sn3.path, base: merging.sn1.path }, { ...merging.bare, qemuHolds: [merging.sn2.path] }],
  [{ kind: 'pull', image: merging.sn2.path, base: merging.base.path }, merging.ofDomain()],
];

/** Worlds for revert and clone: an internal snapshot in a layer later overlays build on, and an external checkpoint on libvirt 9.0. */
function revertScenarios(): [IntentInput, WorldParts?][] {
  const internal = image('/r/i.qcow2', { snapshots: [{ id: '1', name: 'i1', date: '', vmClockNs: 0, vmStateSize: 1, diskSize: null, icount: null }] });
  const later = overlay('/r/i.top.qcow2', internal);
  const base = image('/r/a.qcow2');
  const made = overlay('/r/a.c1.qcow2', base);
  const gone = overlay('/r/a.g.qcow2', base, { backing: { name: 'x', path: '/r/x', format: 'qcow2', exists: false, image: null } });
  const snapshots = [
    snapshot('i1', { memory: 'internal', disks: [{ target: 'vda', snapshot: 'internal', file: null }] }),
    snapshot('c1', { memory: 'external', memoryFile: '/r/c1.mem', disks: [{ target: 'vda', snapshot: 'external', file: '/r/a.c1.qcow2' }] }),
    snapshot('d1', { state: 'paused', disks: [{ target: 'vda', snapshot: 'external', file: '/r/a.c1.qcow2' }] }),
    snapshot('o1', { state: 'shutoff', disks: [{ target: 'vda', snapshot: 'external', file: '/r/a.c1.qcow2' }] }),
    snapshot('d2', { disks: [{ target: 'vda', snapshot: 'external', file: '/r/a.g.qcow2' }, { target: 'vdb', snapshot: 'external', file: '/r/unscanned.qcow2' }] }),
  ];
  const vm = domain('vm', { disks: [disk('vda', ['/r/i.top.qcow2', '/r/i.qcow2'])], snapshots });
  const off = domain('off', { state: 'shut off', disks: [disk('vda', ['/r/a.c1.qcow2', '/r/a.qcow2'])], snapshots });
  const free = image('/r/free.qcow2', { snapshots: internal.snapshots });
  const here: WorldParts = { images: [internal, later, base, made, gone, free, overlay('/r/free.o.qcow2', free)], domains: [vm, off, domain('run', { disks: [disk('vda', ['/r/held.qcow2'])] }), domain('sh', { state: 'shut off', disks: [disk('vda', ['/r/free.qcow2'])] })] };
  const revert = (fields: object): [IntentInput, WorldParts] => [{ kind: 'revert', uri: URI, domain: 'vm', snapshot: 'i1', ...fields }, here];
  const clone = (fields: object): [IntentInput, WorldParts] => [{ kind: 'clone', uri: URI, domain: 'vm', snapshot: 'c1', name: 'n', ...fields }, here];
  return [
    revert({}),
    revert({ domain: 'off' }),
    revert({ snapshot: 'c1' }),
    revert({ snapshot: 'd1', domain: 'off' }),
    revert({ snapshot: 'd1', domain: 'off', state: 'running' }),
    revert({ snapshot: 'd2' }),
    // A running domain stopped for the revert: back with a start, or left off as its snapshot was.
    revert({ snapshot: 'd1' }),
    revert({ snapshot: 'o1' }),
    // A stale record (its files no longer hold its state): refused, its record's deletion offered.
    [{ kind: 'revert', uri: URI, domain: 'off', snapshot: 'd1' }, { ...here, domains: [domain('off', { state: 'shut off', disks: off.disks, snapshots: snapshots.map((one) => (one.name === 'd1' ? { ...one, problems: [{ code: 'stale-snapshot' as const, key: 'libvirt.staleSnapshot.folded', values: {}, message: '' }] } : one)) })] }],
    revert({ snapshot: 'nope' }),
    revert({ first: { snapshot: 'disk-only', name: 'k' } }),
    [{ kind: 'revert', uri: URI, domain: 'tr', snapshot: 'd1' }, { ...here, domains: [domain('tr', { persistent: false, state: 'shut off', stateReason: 'saved', disks: off.disks, snapshots })] }],
    [{ kind: 'revert', uri: URI, domain: 'vm', snapshot: 'c1' }, { ...here, externalSnapshotRevert: true }],
    [{ kind: 'revert', uri: URI, domain: 'vm', snapshot: 'c1' }, { ...here, existing: ['/r/c1.mem'] }],
    [{ kind: 'image-revert', image: '/r/i.qcow2', name: 'i1' }, { images: [internal] }],
    [{ kind: 'image-revert', image: '/r/free.qcow2', name: 'nope' }, here],
    [{ kind: 'image-revert', image: '/r/i.qcow2', name: '1' }, { images: [image('/r/i.qcow2', { snapshots: [...internal.snapshots, { id: '2', name: '1', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] })] }],
    clone({}),
    clone({ snapshot: 'i1', name: '' }),
    clone({ snapshot: 'i1', domain: 'off' }),
  ];
}

function sentencesOf(draft: PlanDraft): Sentence[] {
  return [
    draft.title,
    draft.cancel,
    ...draft.steps.map((step) => step.says),
    ...draft.blockers.flatMap((blocker) => [blocker, ...blocker.alternatives]),
    ...(draft.warnings ?? []),
    ...(draft.lost ?? []),
  ] as Sentence[];
}

const drafts = scenarios.map(([intent, here]) => plan(Intent.parse(intent), world(here ?? parts)));
const said = drafts.flatMap(sentencesOf);

/** Every template key of the planners' catalogue, but the words other templates nest. */
function keys(catalogue: object, prefix: string): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`)));
}

describe("the planners' sentences", () => {
  it('come in plans of the shape the core checks before it gives one an id', () => {
    for (const draft of drafts) expect(() => PlanDraftSchema.parse(draft)).not.toThrow();
  });

  it('are said by some plan, every one of them', () => {
    const spoken = new Set(said.map((sentence) => sentence.key));
    const unsaid = keys(planProblems, 'plans.').filter((key) => !/^plans\.(skipReason|unsafe)\./.test(key) && !spoken.has(key));
    expect(unsaid).toEqual([]);
  });

  it('give their message from the English template, and the window says the same English and a Chinese with nothing left unfilled', () => {
    const inEnglish = i18n.getFixedT('en', 'problems');
    const inChinese = i18n.getFixedT('zh-CN', 'problems');
    for (const sentence of said) {
      expect(say(sentence.key, sentence.values).message, sentence.key).toBe(sentence.message);
      expect(sentence.message, sentence.key).not.toMatch(/\{\{|\$t\(/);
      expect(inEnglish(sentence.key, sentence.values), sentence.key).toBe(sentence.message);
      expect(i18n.exists(sentence.key, { lng: 'zh-CN', ns: 'problems', fallbackLng: [] }), sentence.key).toBe(true);
      const chinese = inChinese(sentence.key, sentence.values);
      expect(chinese, sentence.key).not.toMatch(/\{\{|\$t\(/);
      expect(chinese, sentence.key).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
