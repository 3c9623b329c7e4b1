import { describe, expect, it } from 'vitest';
import { ConvertIntent } from './intent.js';
import type { DefineStep, RunStep } from './plan.js';
import { plan } from './planners.js';
import { HOSTILE, disk, domain, image, overlay, snapshot, world } from './world.test-support.js';

const raw = image('/vm/web.img', { format: 'raw', actualSize: 3000 });
const intent = (fields: object = {}) => ConvertIntent.parse({ kind: 'convert', image: '/vm/web.img', path: '/vm/web.qcow2', ...fields });
const codes = (draft: ReturnType<typeof plan>) => draft.blockers.map((blocker) => blocker.code);

describe('convert to qcow2', () => {
  it('of a free image: one copy with progress, cancelled by SIGINT; the source is kept', () => {
    const draft = plan(intent(), world({ images: [raw] }));
    expect(draft.blockers).toEqual([]);
    expect(draft.steps).toHaveLength(1);
    expect(draft.steps[0]).toMatchObject({ argv: ['/usr/bin/qemu-img', 'convert', '-p', '-t', 'writeback', '-f', 'raw', '-O', 'qcow2', '--', '/vm/web.img', '/vm/web.qcow2'], progress: 'qemu-img', cancel: 'sigint', creates: ['/vm/web.qcow2'] });
    expect(draft.unused).toEqual([]);
    expect(draft.bytes).toBe(3000);
    expect(draft.cancel.message).toBe('A cancel stops the copy: the part-written /vm/web.qcow2 goes to the trash, and /vm/web.img is left untouched.');
  });

  it("rule 6: of a shut-off domain's disk, the disk is switched to the new file, the old one goes to the trash, its snapshots are said lost", () => {
    const web = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })], snapshots: [snapshot('s0', { stateFiles: ['/vm/web.img'] })] });
    const withInternal = { ...raw, snapshots: [{ id: '1', name: 'int', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] };
    const draft = plan(intent(), world({ images: [withInternal], domains: [web] }));
    expect(draft.blockers).toEqual([]);
    expect(draft.steps.map((step) => step.op)).toEqual(['run', 'define', 'trash']);
    expect((draft.steps[1] as DefineStep).edit).toEqual({ kind: 'switch-disk', target: 'vda', path: '/vm/web.qcow2', format: 'qcow2' });
    expect(draft.unused).toEqual(['/vm/web.img']);
    expect(draft.lost.map((lost) => lost.key)).toEqual(['plans.lost.libvirtSnapshot', 'plans.lost.internalSnapshot']);
    expect(draft.locks.domains).toEqual([{ uri: 'qemu:///system', uuid: 'uuid-web', name: 'web' }]);
  });

  it("of a domain's disk to a file with a line break, blocked: the switch would name it in XML, read as a space; of a free image, not", () => {
    const web = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })] });
    expect(codes(plan(intent({ path: '/vm/new\nline.qcow2' }), world({ images: [raw], domains: [web] })))).toContain('path-newline');
    expect(codes(plan(intent({ path: '/vm/new\nline.qcow2' }), world({ images: [raw] })))).toEqual([]);
  });

  it("rule 1: a domain's old file that other overlays use is kept, and the plan says why", () => {
    const web = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })] });
    const draft = plan(intent(), world({ images: [raw, overlay('/vm/branch.qcow2', raw)], domains: [web] }));
    expect(draft.steps.map((step) => step.op)).toEqual(['run', 'define']);
    expect(draft.unused).toEqual([]);
    expect(draft.warnings.map((warning) => warning.key)).toEqual(['plans.warning.sourceKept']);
  });

  it("rule 1: a domain's old file that another domain's chain builds on is kept, though that overlay is in no watched folder", () => {
    const web = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })] });
    const other = domain('other', { state: 'shut off', disks: [disk('vda', ['/elsewhere/other.qcow2', '/vm/web.img'])] });
    const draft = plan(intent(), world({ images: [raw], domains: [web, other] }));
    expect(draft.steps.map((step) => step.op)).toEqual(['run', 'define']);
    expect(draft.unused).toEqual([]);
    expect(draft.warnings).toMatchObject([{ key: 'plans.warning.sourceKept', values: { overlays: '/elsewhere/other.qcow2' } }]);
  });

  it('says that the domains of a libvirt that does not answer are unknown: a disk of theirs would not be switched', () => {
    const draft = plan(intent(), world({ images: [raw], libvirtStopped: true }));
    expect(draft.blockers).toEqual([]);
    expect(draft.steps.map((step) => step.op)).toEqual(['run']);
    expect(draft.warnings).toMatchObject([{ key: 'plans.warning.libvirtUnknown', values: { uri: 'qemu:///system', path: '/vm/web.img' } }]);
    expect(plan(intent(), world({ images: [raw] })).warnings).toEqual([]);
  });

  it('a whole chain is flattened, and its allocated bytes are the estimate', () => {
    const base = image('/vm/base.qcow2', { actualSize: 1000 });
    const top = overlay('/vm/top.qcow2', base, { actualSize: 200 });
    const draft = plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, top] }));
    expect(draft.bytes).toBe(1200);
    expect(draft.locks.files).toEqual(['/vm/top.qcow2', '/vm/base.qcow2', '/vm/web.qcow2']);
    expect(draft.warnings.map((warning) => warning.key)).toEqual(['plans.warning.flattened']);
  });

  it.each(['no-backing-format', 'backing-format-mismatch'] as const)("rule 3: a chain whose overlay's header says %s is blocked: qemu-img would guess the format of the layer below", (code) => {
    const base = image('/vm/base.img', { format: 'raw' });
    const middle = overlay('/vm/middle.qcow2', base, { problems: [{ code, key: '', values: {}, message: '' }] });
    const top = overlay('/vm/top.qcow2', middle);
    const draft = plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, middle, top] }));
    expect(draft.blockers).toMatchObject([{ code: `layer-${code}`, values: { path: '/vm/top.qcow2', layer: '/vm/middle.qcow2', problem: code }, alternatives: [{ key: 'plans.alternative.recordFormat' }] }]);
  });

  it("where qemu-img measured the chain its figure is the bytes, and the free space is weighed against it: a rewritten cluster is copied once, not once per layer", () => {
    const base = image('/vm/base.qcow2', { actualSize: 3 << 20 });
    const top = overlay('/vm/top.qcow2', base, { actualSize: 3 << 20 });
    const measured = plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, top], freeBytes: 4 << 20, convertBytes: { '/vm/top.qcow2': 3 << 20 } }));
    expect(measured.bytes).toBe(3 << 20);
    expect(measured.warnings.map((one) => one.key)).toEqual(['plans.warning.flattened']);
    const short = plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, top], freeBytes: 2 << 20, convertBytes: { '/vm/top.qcow2': 3 << 20 } }));
    expect(short.warnings).toMatchObject([{ key: 'plans.warning.flattened' }, { key: 'plans.warning.wontFit', values: { path: '/vm/web.qcow2', size: '3.0 MiB', free: '2.0 MiB' } }]);
    // Measured for another image, or not at all: the layers' allocated sizes, and the warning they call for.
    const estimated = plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, top], freeBytes: 4 << 20, convertBytes: { '/vm/base.qcow2': 1 } }));
    expect(estimated.bytes).toBe(6 << 20);
    expect(estimated.warnings).toMatchObject([{ key: 'plans.warning.flattened' }, { key: 'plans.warning.mayNotFit', values: { size: '6.0 MiB', free: '4.0 MiB' } }]);
  });

  it('a file system with less free space than the chain holds now warns before Run that the copy may not fit (compressed clusters grow, zeros are skipped: no bound either way)', () => {
    const base = image('/vm/base.qcow2', { actualSize: 3 << 20 });
    const top = overlay('/vm/top.qcow2', base, { actualSize: 1 << 20 });
    const tight = plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, top], freeBytes: 2 << 20 }));
    expect(tight.blockers).toEqual([]);
    expect(tight.warnings).toMatchObject([{ key: 'plans.warning.flattened' }, { key: 'plans.warning.mayNotFit', values: { path: '/vm/web.qcow2', size: '4.0 MiB', free: '2.0 MiB' } }]);
    expect(plan(intent({ image: '/vm/top.qcow2' }), world({ images: [base, top], freeBytes: 4 << 20 })).warnings.map((one) => one.key)).toEqual(['plans.warning.flattened']);
  });

  it('rule 2: an image a running domain holds is blocked; shut the domain off first', () => {
    const web = domain('web', { disks: [disk('vda', ['/vm/web.img'], { format: 'raw' })] });
    const [blocker] = plan(intent(), world({ images: [raw], domains: [web] })).blockers;
    expect(blocker).toMatchObject({ code: 'held-by-qemu', alternatives: [{ key: 'plans.alternative.shutOff' }] });
  });

  it.each([
    ['the target exists', intent(), { existing: ['/vm/web.qcow2'] }, 'target-exists'],
    ['the source is not there', intent({ image: '/vm/gone.img' }), {}, 'image-missing'],
    ['the source is truncated', intent(), { images: [{ ...raw, problems: [{ code: 'truncated' as const, key: '', values: {}, message: '' }] }] }, 'image-truncated'],
    ['qemu-img is missing', intent(), { tools: { qemuImg: null, virsh: null } }, 'tool-missing'],
  ])('is blocked: %s', (_, request, parts, code) => {
    expect(codes(plan(request, world({ images: [raw], ...parts })))).toContain(code);
  });

  it.each(HOSTILE)('the names %j reach qemu-img as themselves, after --', (name) => {
    const draft = plan(intent({ image: `/vm/${name}`, path: `/vm/${name}.qcow2` }), world({ images: [image(`/vm/${name}`, { format: 'raw' })] }));
    expect((draft.steps[0] as RunStep).argv.slice(-3)).toEqual(['--', `/vm/${name}`, `/vm/${name}.qcow2`]);
  });
});
