import { describe, expect, it } from 'vitest';
import { SnapshotIntent, type IntentOf } from './intent.js';
import { plan } from './planners.js';
import type { RunStep } from './plan.js';
import { HOSTILE, URI, disk, domain, image, overlay, snapshot, world } from './world.test-support.js';

const base = image('/vm/web.qcow2');
const web = domain('web', { disks: [disk('vda', ['/vm/web.qcow2']), disk('sda', ['/iso/d.iso'], { device: 'cdrom', readonly: true, format: 'raw' })], display: true });
const intent = (fields: Partial<IntentOf<'snapshot'>> = {}) => SnapshotIntent.parse({ kind: 'snapshot', uri: URI, domain: 'web', name: 's1', ...fields });
const codes = (draft: ReturnType<typeof plan>) => draft.blockers.map((blocker) => blocker.code);
const argv = (draft: ReturnType<typeof plan>, index = 0) => (draft.steps[index] as RunStep).argv;

describe('a snapshot of a domain', () => {
  it('internal by default, with a screenshot after it when the domain runs and has a display', () => {
    const draft = plan(intent(), world({ images: [base], domains: [web] }));
    expect(draft.blockers).toEqual([]);
    expect(argv(draft)).toEqual(['/usr/bin/virsh', '-c', URI, 'snapshot-create-as', '--domain', 'web', '--name', 's1']);
    expect(argv(draft, 1)).toEqual(['/usr/bin/virsh', '-c', URI, 'screenshot', '--domain', 'web', '--file', '/home/u/.local/share/snaptree/screenshots/uuid-web/s1.ppm']);
    expect(draft.steps[1]).toMatchObject({ optional: true, makesFolders: ['/home/u/.local/share/snaptree/screenshots/uuid-web'] });
    expect(draft.warnings.map((w) => w.key)).toEqual(['plans.warning.diskSkipped', 'plans.warning.internalPauses']);
    expect(draft.warnings[0]!.message).toBe('The disk sda gets no snapshot: it is not a hard disk (a CD-ROM or floppy drive).');
    expect(draft.changes).toContain('/vm/web.qcow2');
    expect(draft.locks.domains).toEqual([{ uri: URI, uuid: 'uuid-web', name: 'web' }]);
  });

  it('no screenshot of a shut-off domain, nor of one with no display', () => {
    expect(plan(intent(), world({ images: [base], domains: [{ ...web, state: 'shut off' }] })).steps).toHaveLength(1);
    expect(plan(intent(), world({ images: [base], domains: [{ ...web, display: false }] })).steps).toHaveLength(1);
  });

  it('disk-only: one overlay per writable disk beside its active layer, all or none, the cdrom left out', () => {
    const draft = plan(intent({ snapshot: 'disk-only' }), world({ images: [base], domains: [web] }));
    expect(draft.blockers).toEqual([]);
    expect(argv(draft).slice(3)).toEqual(['snapshot-create-as', '--domain', 'web', '--name', 's1', '--disk-only', '--atomic', '--diskspec', 'vda,snapshot=external,file=/vm/web.s1.qcow2', '--diskspec', 'sda,snapshot=no']);
    expect(draft.creates).toEqual(['/vm/web.s1.qcow2']);
  });

  it("a disk the domain's own XML leaves out of snapshots (snapshot='no') is left out, said so, as libvirt's own snapshot leaves it", () => {
    const data = image('/vm/data.qcow2');
    const twoDisks = domain('web', { disks: [disk('vda', ['/vm/web.qcow2']), disk('vdb', ['/vm/data.qcow2'], { snapshot: 'no' })] });
    const draft = plan(intent({ snapshot: 'disk-only' }), world({ images: [base, data], domains: [twoDisks] }));
    expect(argv(draft).slice(3)).toEqual(['snapshot-create-as', '--domain', 'web', '--name', 's1', '--disk-only', '--atomic', '--diskspec', 'vda,snapshot=external,file=/vm/web.s1.qcow2', '--diskspec', 'vdb,snapshot=no']);
    expect(draft.creates).toEqual(['/vm/web.s1.qcow2']);
    expect(draft.warnings.map((w) => w.message)).toContain("The disk vdb gets no snapshot: it is left out of snapshots by the domain's own definition (snapshot='no').");
  });

  it('a checkpoint saves the memory beside the first disk, with progress from domjobinfo and cancel by domjobabort', () => {
    const draft = plan(intent({ snapshot: 'memory', live: true }), world({ images: [base], domains: [web] }));
    expect(draft.blockers).toEqual([]);
    expect(argv(draft)).toContain('--live');
    expect(argv(draft)).toContain('file=/vm/web.s1.mem,snapshot=external');
    expect(draft.steps[0]).toMatchObject({ progress: 'domjobinfo', cancel: 'domjobabort', domain: { uuid: 'uuid-web' } });
    expect(draft.creates).toEqual(['/vm/web.s1.qcow2', '/vm/web.s1.mem']);
  });

  it.each([
    ['no such domain', intent({ domain: 'nope' }), {}, 'no-domain'],
    ['virsh not installed', intent(), { tools: { qemuImg: '/usr/bin/qemu-img', virsh: null } }, 'tool-missing'],
    ['an empty name', intent({ name: '  ' }), {}, 'name-empty'],
    ['a name with a slash, which libvirt refuses', intent({ name: 'a/b' }), {}, 'name-refused'],
    ['a name starting with a dot, which libvirt refuses', intent({ name: '.x' }), {}, 'name-refused'],
    ['a name with a newline, which virsh would list as two', intent({ name: 'a\nb' }), {}, 'name-refused'],
    ['a name the domain already has', intent({ name: 'old' }), {}, 'name-taken'],
    ['quiesce on a kind libvirt does not quiesce', intent({ quiesce: true }), {}, 'quiesce-needs-disk-only'],
    ['quiesce where the guest agent did not answer', intent({ snapshot: 'disk-only', quiesce: true }), {}, 'no-agent'],
    ['live on anything but a checkpoint', intent({ live: true }), {}, 'live-needs-memory'],
    ['an overlay file that exists', intent({ snapshot: 'disk-only' }), { existing: ['/vm/web.s1.qcow2'] }, 'target-exists'],
    ['a memory file named like an overlay', intent({ snapshot: 'memory', memoryFile: '/vm/web.s1.qcow2' }), {}, 'file-twice'],
    ['an overlay path with a line break, which libvirt would read as a space', intent({ snapshot: 'disk-only', files: { vda: '/vm/a\nb.qcow2' } }), {}, 'path-newline'],
    ['a file for a disk the domain does not have', intent({ snapshot: 'disk-only', files: { vdz: '/vm/z.qcow2' } }), {}, 'no-such-disk'],
  ] as const)('is blocked: %s', (_, request, parts, code) => {
    const withOld = { ...web, snapshots: [snapshot('old')] };
    expect(codes(plan(request, world({ images: [base], domains: [withOld], ...parts })))).toContain(code);
  });

  it('a disk-only snapshot of a shut-off domain onto a path with a comma is blocked: libvirt 9.0 would create another file', () => {
    const off = { ...web, state: 'shut off', disks: [disk('vda', ['/vm/d,1.qcow2'])] };
    const draft = plan(intent({ snapshot: 'disk-only' }), world({ images: [image('/vm/d,1.qcow2')], domains: [off] }));
    expect(draft.blockers.map((blocker) => [blocker.code, blocker.values])).toEqual([['offline-comma', { path: '/vm/d,1.s1.qcow2' }]]);
    expect(plan(intent({ snapshot: 'disk-only' }), world({ images: [image('/vm/d,1.qcow2')], domains: [{ ...off, state: 'running' }] })).blockers).toEqual([]);
  });

  it('quiesce works where the agent answered', () => {
    const draft = plan(intent({ snapshot: 'disk-only', quiesce: true }), world({ images: [base], domains: [web], agents: ['uuid-web'] }));
    expect(draft.blockers).toEqual([]);
    expect(argv(draft)).toContain('--quiesce');
  });

  it('a checkpoint of a shut-off domain is blocked; a disk-only snapshot is offered instead', () => {
    const [blocker] = plan(intent({ snapshot: 'memory' }), world({ images: [base], domains: [{ ...web, state: 'shut off' }] })).blockers;
    expect(blocker).toMatchObject({ code: 'memory-needs-running', alternatives: [{ key: 'plans.alternative.diskOnly' }] });
  });

  it('internal on a raw disk is blocked: convert it, or take an external snapshot', () => {
    const raw = { ...web, disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })] };
    const [blocker] = plan(intent(), world({ images: [image('/vm/web.img', { format: 'raw' })], domains: [raw] })).blockers;
    expect(blocker).toMatchObject({ code: 'internal-needs-qcow2', alternatives: [{ key: 'plans.alternative.convert' }, { key: 'plans.alternative.diskOnly' }] });
    expect(blocker!.message).toBe('An internal snapshot needs every disk in qcow2: vda (/vm/web.img) is raw.');
  });

  it('rule 1: an internal snapshot into an active layer that another image uses as its backing file is blocked', () => {
    const draft = plan(intent(), world({ images: [base, overlay('/vm/clone.qcow2', base)], domains: [web] }));
    expect(codes(draft)).toEqual(['backing-file']);
  });

  it.each(HOSTILE)('the hostile name %j reaches virsh as itself, and a file name made of it stays in the folder', (name) => {
    const hostile = { ...web, name: `d ${name}`, display: false };
    const draft = plan(intent({ domain: `d ${name}`, name: `s ${name}`, snapshot: 'disk-only' }), world({ images: [base], domains: [hostile] }));
    const args = argv(draft);
    expect(args[args.indexOf('--domain') + 1]).toBe(`d ${name}`);
    expect(args[args.indexOf('--name') + 1]).toBe(`s ${name}`);
    expect(draft.creates[0]!.startsWith('/vm/web.s_')).toBe(true);
    expect(draft.creates[0]!.slice('/vm/'.length)).not.toContain('/');
  });
});
