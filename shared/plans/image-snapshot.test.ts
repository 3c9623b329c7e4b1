import { describe, expect, it } from 'vitest';
import type { Image } from '../images/model.js';
import { ImageSnapshotIntent } from './intent.js';
import type { RunStep } from './plan.js';
import { plan } from './planners.js';
import { HOSTILE, disk, domain, image, overlay, world } from './world.test-support.js';

const intent = (path: string, name = 's1') => ImageSnapshotIntent.parse({ kind: 'image-snapshot', image: path, name });
const codes = (draft: ReturnType<typeof plan>) => draft.blockers.map((blocker) => blocker.code);
const free = image('/vm/free.qcow2');

describe('an internal snapshot of an image with qemu-img', () => {
  it('names the format in --image-opts and writes into that image only', () => {
    const draft = plan(intent('/vm/free.qcow2'), world({ images: [free] }));
    expect(draft.blockers).toEqual([]);
    expect((draft.steps[0] as RunStep).argv).toEqual(['/usr/bin/qemu-img', 'snapshot', '-c', 's1', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=/vm/free.qcow2']);
    expect(draft.changes).toEqual(['/vm/free.qcow2']);
    expect(draft.locks.files).toEqual(['/vm/free.qcow2']);
  });

  it('rule 2: snapshot -c on an image that a running domain writes is blocked; use the domain', () => {
    const [blocker] = plan(intent('/vm/free.qcow2'), world({ images: [free], domains: [domain('web', { disks: [disk('vda', ['/vm/free.qcow2'])] })] })).blockers;
    expect(blocker).toMatchObject({ code: 'held-by-qemu', alternatives: [{ key: 'plans.alternative.domainSnapshot', values: { domain: 'web' } }] });
  });

  it('rule 2 holds for a paused domain too, and for a layer below the active one', () => {
    const top = overlay('/vm/top.qcow2', free);
    const paused = domain('web', { state: 'paused', disks: [disk('vda', ['/vm/top.qcow2', '/vm/free.qcow2'])] });
    expect(codes(plan(intent('/vm/free.qcow2'), world({ images: [free, top], domains: [paused] })))).toContain('held-by-qemu');
  });

  it('rule 2: snapshot -c on an image a QEMU libvirt does not run holds is blocked', () => {
    expect(codes(plan(intent('/vm/free.qcow2'), world({ images: [free], qemuHolds: ['/vm/free.qcow2'] })))).toEqual(['held-outside']);
  });

  it("rule 1: snapshot -c on another image's backing file is blocked, naming the overlays", () => {
    const draft = plan(intent('/vm/free.qcow2'), world({ images: [free, overlay('/vm/a.qcow2', free), overlay('/vm/b.qcow2', free)] }));
    expect(codes(draft)).toEqual(['backing-file']);
    expect(draft.blockers[0]!.message).toContain('/vm/a.qcow2, /vm/b.qcow2');
    expect(draft.blockers[0]!.alternatives).toMatchObject([{ key: 'plans.alternative.overlayInstead', values: { path: '/vm/free.qcow2' } }]);
  });

  it("a shut-off domain's disk is blocked: libvirt would not know the snapshot", () => {
    const off = domain('web', { state: 'shut off', disks: [disk('vda', ['/vm/free.qcow2'])] });
    expect(codes(plan(intent('/vm/free.qcow2'), world({ images: [free], domains: [off] })))).toEqual(['domain-disk']);
  });

  it.each<[string, ReturnType<typeof intent>, Image[], string]>([
    ['not in the forest, and nothing there', intent('/vm/gone.qcow2'), [], 'image-missing'],
    ['a raw image: convert it first', intent('/vm/free.img'), [image('/vm/free.img', { format: 'raw' })], 'not-qcow2'],
    ['an image QEMU marked corrupt', intent('/vm/free.qcow2'), [{ ...free, corrupt: true }], 'image-corrupt'],
    ['an encrypted image', intent('/vm/free.qcow2'), [{ ...free, encrypted: true }], 'image-encrypted'],
    ['a name it already has', intent('/vm/free.qcow2', 'old'), [{ ...free, snapshots: [{ id: '1', name: 'old', date: '', vmClockNs: 0, vmStateSize: 0, diskSize: null, icount: null }] }], 'name-taken'],
    ['an empty name', intent('/vm/free.qcow2', ''), [free], 'name-empty'],
  ])('is blocked: %s', (_, request, images, code) => {
    expect(codes(plan(request, world({ images })))).toContain(code);
  });

  it('a header QEMU refuses blocks it, with the reason in words', () => {
    const bad = { ...free, problems: [{ code: 'invalid-header' as const, key: 'image.invalidHeader', values: {}, message: '' }] };
    expect(plan(intent('/vm/free.qcow2'), world({ images: [bad] })).blockers[0]!.message).toBe('/vm/free.qcow2 has a header QEMU refuses: Snaptree will not write into it.');
  });

  it('a missing qemu-img blocks it', () => {
    expect(codes(plan(intent('/vm/free.qcow2'), world({ images: [free], tools: { qemuImg: null, virsh: null } })))).toEqual(['tool-missing']);
  });

  it.each(HOSTILE)('the snapshot name %j is the value of -c, untouched', (name) => {
    const argv = (plan(intent('/vm/free.qcow2', name), world({ images: [free] })).steps[0] as RunStep).argv;
    expect(argv[argv.indexOf('-c') + 1]).toBe(name);
  });

  it.each(HOSTILE)('the file name %j is named in --image-opts, its commas doubled as QEMU parses them', (name) => {
    const path = `/vm/${name}.qcow2`;
    const argv = (plan(intent(path), world({ images: [image(path)] })).steps[0] as RunStep).argv;
    expect(argv.at(-1)).toBe(`driver=qcow2,file.driver=file,file.filename=${path.replaceAll(',', ',,')}`);
  });
});
