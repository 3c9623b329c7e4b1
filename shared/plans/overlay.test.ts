import { describe, expect, it } from 'vitest';
import { OverlayIntent } from './intent.js';
import type { DefineStep, RunStep } from './plan.js';
import { plan } from './planners.js';
import { HOSTILE, URI, disk, domain, image, overlay, world } from './world.test-support.js';

const base = image('/vm/base.img', { format: 'raw' });
const codes = (draft: ReturnType<typeof plan>) => draft.blockers.map((blocker) => blocker.code);
const argv = (draft: ReturnType<typeof plan>) => (draft.steps[0] as RunStep).argv;

describe('a new overlay', () => {
  it('rule 3: names both formats; the backing name is bare beside it', () => {
    const draft = plan(OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/vm/branch.qcow2' }), world({ images: [base] }));
    expect(draft.blockers).toEqual([]);
    expect(argv(draft)).toEqual(['/usr/bin/qemu-img', 'create', '-f', 'qcow2', '-b', 'base.img', '-F', 'raw', '--', '/vm/branch.qcow2']);
    expect(draft.creates).toEqual(['/vm/branch.qcow2']);
    expect(draft.locks.files).toEqual(['/vm/base.img', '/vm/branch.qcow2']);
  });

  it('in another folder, the backing name is absolute', () => {
    const draft = plan(OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/other/branch.qcow2' }), world({ images: [base] }));
    expect(argv(draft)).toContain('/vm/base.img');
  });

  it.each([
    ['the target exists: never overwritten', { path: '/vm/taken.qcow2' }, { existing: ['/vm/taken.qcow2'] }, 'target-exists'],
    ['the image is not there', { image: '/vm/gone.img' }, {}, 'image-missing'],
    ['the image is outside the watched folders: its format is not known', { image: '/elsewhere/x.img' }, { existing: ['/elsewhere/x.img'] }, 'image-not-scanned'],
    ['the image is a folder', { image: '/vm/sub' }, { existing: ['/vm/sub'], missingFolders: [] }, 'image-is-folder'],
    ['the image could not be read', { image: '/vm/bad.qcow2' }, { images: [image('/vm/bad.qcow2', { format: 'unknown', problems: [{ code: 'unreadable' as const, key: '', values: {}, message: '' }] })] }, 'image-unreadable'],
    ['a QEMU libvirt does not run holds the image to write it: it may change under the overlay (rule 1)', {}, { qemuHolds: ['/vm/base.img'], qemuWrites: ['/vm/base.img'] }, 'backing-held-outside'],
    ['the new file\'s folder is not there: qemu-img makes none', { path: '/vm/gone/branch.qcow2' }, { missingFolders: ['/vm/gone'] }, 'no-folder'],
  ] as const)('is blocked: %s', (_, fields, parts, code) => {
    const request = OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/vm/branch.qcow2', ...fields });
    expect(codes(plan(request, world({ images: [base], ...parts })))).toContain(code);
  });

  it('an image a QEMU libvirt does not run only reads (another guest\'s backing file) takes an overlay', () => {
    expect(plan(OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/vm/branch.qcow2' }), world({ images: [base], qemuHolds: ['/vm/base.img'] })).blockers).toEqual([]);
  });

  it.each(['running', 'shut off'])('on the active layer of a domain (%s) it is blocked: take an external snapshot of the domain', (state) => {
    const web = domain('web', { state, disks: [disk('vda', ['/vm/base.img'], { format: 'raw' })] });
    const [blocker] = plan(OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/vm/branch.qcow2' }), world({ images: [base], domains: [web] })).blockers;
    expect(blocker).toMatchObject({ code: 'backing-written', alternatives: [{ key: 'plans.alternative.externalSnapshot' }] });
  });

  it("on a lower layer of a running domain's chain it is a branch like any other", () => {
    const top = overlay('/vm/top.qcow2', base);
    const web = domain('web', { disks: [disk('vda', ['/vm/top.qcow2', '/vm/base.img'])] });
    expect(plan(OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/vm/branch.qcow2' }), world({ images: [base, top], domains: [web] })).blockers).toEqual([]);
  });

  it('takes a new file with a line break where no XML names it: qemu-img gets it as one argument', () => {
    const request = OverlayIntent.parse({ kind: 'overlay', image: '/vm/base.img', path: '/vm/new\nline.qcow2' });
    expect(codes(plan(request, world({ images: [base] })))).toEqual([]);
  });

  it.each(HOSTILE)('the file name %j reaches qemu-img as itself, after --', (name) => {
    const draft = plan(OverlayIntent.parse({ kind: 'overlay', image: `/vm/${name}.img`, path: `/vm/${name}.qcow2` }), world({ images: [image(`/vm/${name}.img`, { format: 'raw' })] }));
    expect(draft.blockers).toEqual([]);
    expect(argv(draft).slice(-2)).toEqual(['--', `/vm/${name}.qcow2`]);
    expect(argv(draft)[argv(draft).indexOf('-b') + 1]).toBe(`${name}.img`);
  });
});

describe('a linked clone', () => {
  const snap = overlay('/vm/web.s1.qcow2', image('/vm/web.qcow2'));
  const web = domain('web', { state: 'running', disks: [disk('vda', ['/vm/web.s1.qcow2', '/vm/web.qcow2']), disk('sda', ['/iso/d.iso'], { device: 'cdrom', readonly: true })] });
  const clone = (fields: object = {}) => OverlayIntent.parse({ kind: 'overlay', image: '/vm/web.qcow2', path: '/vm/web-clone.qcow2', clone: { uri: URI, domain: 'web', name: 'web-clone' }, ...fields });
  const parts = { images: [image('/vm/web.qcow2'), snap], domains: [web] };

  it("is the source's XML with a new name, its disk on the new overlay; the source untouched", () => {
    const draft = plan(clone(), world(parts));
    expect(draft.blockers).toEqual([]);
    const define = draft.steps[1] as DefineStep;
    expect(define).toMatchObject({ op: 'define', edit: { kind: 'clone', name: 'web-clone', disks: { vda: '/vm/web-clone.qcow2' } }, domain: { uuid: 'uuid-web' } });
    expect(define.shows).toEqual([
      ['/usr/bin/virsh', '-c', URI, 'dumpxml', '--inactive', '--domain', 'web', '--security-info'],
      ['/usr/bin/virsh', '-c', URI, 'define', '--file', '/dev/stdin'],
    ]);
    expect(draft.changes).toEqual(['/vm/web-clone.qcow2']);
  });

  it.each([
    ['no such source domain', { clone: { uri: URI, domain: 'nope', name: 'c' } }, 'no-domain'],
    ['a domain of that name exists', { clone: { uri: URI, domain: 'web', name: 'web' } }, 'domain-exists'],
    ['a name libvirt refuses', { clone: { uri: URI, domain: 'web', name: 'a\nb' } }, 'name-refused'],
    ['a new file with a line break, which the define would name in XML, read as a space', { path: '/vm/web\nclone.qcow2' }, 'path-newline'],
    ["on the source's active layer: take a disk-only snapshot first", { image: '/vm/web.s1.qcow2' }, 'clone-of-active'],
    ["on a file not in the source's chains", { image: '/vm/other.qcow2' }, 'not-in-domain'],
  ] as const)('is blocked: %s', (_, fields, code) => {
    expect(codes(plan(clone(fields), world({ ...parts, images: [...parts.images, image('/vm/other.qcow2')] })))).toContain(code);
  });

  it('is blocked where the source has other writable disks, and says which', () => {
    const two = { ...web, disks: [...web.disks, disk('vdb', ['/vm/data.qcow2'])] };
    const [blocker] = plan(clone(), world({ ...parts, domains: [two] })).blockers;
    expect(blocker).toMatchObject({ code: 'clone-other-disks', values: { targets: 'vdb' } });
  });

  it.each(HOSTILE)('the clone name %j is kept as given for the define step', (name) => {
    const draft = plan(clone({ clone: { uri: URI, domain: 'web', name: `c ${name}` } }), world(parts));
    expect((draft.steps[1] as DefineStep).edit).toMatchObject({ name: `c ${name}` });
  });
});
