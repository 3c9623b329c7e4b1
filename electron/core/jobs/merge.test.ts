/**
 * Merging chain nodes for real: commit and pull planned as the CLI plans them (its scan of
 * the folders, the inventory of qemu:///system), run by the job runner, on chains with data
 * written into every layer; offline with qemu-img, live on running TCG domains with two
 * disks. Each test checks what a user notices: the merged chain's top reads the same bytes,
 * every other chain that shared a file reads the same, every file a chain needs is there,
 * the folded layers are in the trash, and virsh reports the disks and snapshots expected.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntentInput } from '../../../shared/plans/intent.js';
import type { Plan, RunStep } from '../../../shared/plans/plan.js';
import { URI, virsh } from '../libvirt/domains.test-support.js';
import { FOLDED_MARK } from '../../../shared/libvirt/folded.js';
import { commands, domainJobsOfFile } from './domain-jobs.test-support.js';
import { QEMU_IMG, waitFor } from './jobs.test-support.js';
import { backingOf, chainWithData, guestBytes, trashed, write, type Chain } from './guest-data.test-support.js';

const fixture = domainJobsOfFile('merge');
const { planOf, run } = fixture;
const bytes = (top: string) => guestBytes(top, fixture.scratch);

async function planned(intent: IntentInput): Promise<Plan> {
  const plan = await planOf(intent);
  expect(plan.blockers).toEqual([]);
  return plan;
}

/** A second branch on `on`, with data of its own: it shares `on` and what is below it. */
function sibling(on: string, name: string): string {
  const path = join(fixture.domains.dir, name);
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', on, '-F', 'qcow2', '--', path]);
  write(path, 0x77, '40M');
  return path;
}

describe('offline: bare images no QEMU holds (qemu-img)', () => {
  let chain: Chain;
  let other: string;
  let before: { top: string; other: string };
  const setUp = (label: string) => {
    chain = chainWithData(fixture.domains.dir, label);
    other = sibling(chain.base, `${label}.other.qcow2`);
    before = { top: bytes(chain.sn3), other: bytes(other) };
  };
  const unchanged = (top: string) => expect({ top: bytes(top), other: bytes(other) }).toEqual(before);

  it('commit of the top into its backing file: sn2 reads what sn3 read; sn3 in the trash; the branch on the base reads the same', async () => {
    setUp('top');
    const plan = await run({ kind: 'commit', image: chain.sn3 });
    expect(commands(plan)).toEqual(['commit']);
    unchanged(chain.sn2);
    expect(existsSync(chain.sn3)).toBe(false);
    expect(trashed(fixture.domains.dir)).toContain('top.sn3.qcow2');
  }, 60_000);

  it('commit of an intermediate layer: sn3 is re-pointed onto sn1 and reads the same', async () => {
    setUp('middle');
    const plan = await run({ kind: 'commit', image: chain.sn2 });
    expect(commands(plan)).toEqual(['commit', 'rebase']);
    unchanged(chain.sn3);
    expect(backingOf(chain.sn3)).toBe(chain.sn1);
    expect(existsSync(chain.sn2)).toBe(false);
  }, 60_000);

  it("multi-level, the seeds' sn3 onto sn1: successive single-level commits; sn1 reads what sn3 read", async () => {
    setUp('multi');
    const plan = await run({ kind: 'commit', image: chain.sn3, into: chain.sn1 });
    expect(commands(plan)).toEqual(['commit', 'rebase', 'commit']);
    unchanged(chain.sn1);
    expect([existsSync(chain.sn2), existsSync(chain.sn3)]).toEqual([false, false]);
    expect(backingOf(chain.sn1)).toBe(chain.base);
  }, 60_000);

  it('pull of two layers up into sn3, which then backs onto the base; the layers in the trash', async () => {
    setUp('pull');
    const plan = await run({ kind: 'pull', image: chain.sn3, base: chain.base });
    expect(commands(plan)).toEqual(['rebase', 'rebase']);
    unchanged(chain.sn3);
    expect(backingOf(chain.sn3)).toBe(chain.base);
    expect([existsSync(chain.sn1), existsSync(chain.sn2)]).toEqual([false, false]);
  }, 60_000);

  it('a commit of a top that rewrote its base\'s blocks copies all the top holds, and the base grows only by what it never held', async () => {
    const dir = fixture.domains.dir;
    const base = join(dir, 'rewrite.base.qcow2');
    const top = join(dir, 'rewrite.top.qcow2');
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '64M']);
    write(base, 0x31, '0', '24M');
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'rewrite.base.qcow2', '-F', 'qcow2', '--', top]);
    // The same blocks written again, as a guest rewriting its files does, and 4 MiB the base never held.
    write(top, 0x32, '0', '24M');
    write(top, 0x33, '40M', '4M');
    const allocated = (path: string) => statSync(path).blocks * 512;
    expect(allocated(top)).toBeGreaterThan(28 << 20);
    const before = bytes(top);
    const baseBefore = allocated(base);
    const plan = await run({ kind: 'commit', image: top });
    // It copies all the top holds, 28 MiB, but only the 4 MiB the base never held take new space.
    expect(plan.bytes).toBe(28 << 20);
    expect(bytes(base)).toBe(before);
    expect(allocated(base) - baseBefore).toBeLessThanOrEqual((4 << 20) + (256 << 10));
  }, 60_000);

  it('a layer a QEMU outside libvirt has open (qemu-io here) is refused, naming it; once that QEMU ends, the same commit plans', async () => {
    setUp('held');
    const qemuIo = spawn('qemu-io', ['-f', 'qcow2', '--', chain.sn2], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await waitFor(() => readFileSync('/proc/locks', 'utf8').includes(`:${statSync(chain.sn2).ino} `));
      // It reads sn1 and the base below sn2 too: sn1 must not be written under it either.
      const refused = await planOf({ kind: 'commit', image: chain.sn3, into: chain.sn1 });
      expect(refused.blockers).toMatchObject([
        { code: 'held-outside', values: { path: chain.sn2 } },
        { code: 'held-outside', values: { path: chain.sn1 } },
      ]);
    } finally {
      qemuIo.stdin.end('quit\n');
      await new Promise((resolve) => qemuIo.once('exit', resolve));
    }
    expect((await planOf({ kind: 'commit', image: chain.sn3, into: chain.sn1 })).blockers).toEqual([]);
    unchanged(chain.sn3);
  }, 60_000);

  it('flatten: sn3 needs no backing file; the base stays, as the other branch still reads it', async () => {
    setUp('flat');
    const plan = await run({ kind: 'pull', image: chain.sn3 });
    expect(plan.warnings.map((warning) => warning.key)).toContain('plans.delete.warning.stillUsed');
    unchanged(chain.sn3);
    expect(backingOf(chain.sn3)).toBeNull();
    expect(existsSync(chain.base)).toBe(true);
    expect([existsSync(chain.sn1), existsSync(chain.sn2)]).toEqual([false, false]);
  }, 60_000);
});

/**
 * A domain with two disks: vda on base <- sn1 <- sn2 <- sn3 (the overlays made by libvirt
 * snapshots s1, s2, s3 while it runs, then data written into each while it is off), vdb on
 * a data disk the snapshots leave out. `MiB` per write: a cancel test writes enough for the
 * block job to be caught mid-way.
 */
function runningChain(label: string, MiB = 1, options: { start?: boolean } = {}) {
  const data = join(fixture.domains.dir, `${label}.data.qcow2`);
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', data, '16M']);
  write(data, 0x66, '0');
  const vdb = `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${data}'/><target dev='vdb' bus='virtio'/></disk>`;
  const { name, disk } = fixture.domains.define(label, { devices: vdb });
  const file = (n: number) => join(fixture.domains.dir, `${label}.sn${n}.qcow2`);
  virsh('start', name);
  for (const n of [1, 2, 3]) virsh('snapshot-create-as', '--domain', name, '--name', `s${n}`, '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${file(n)}`, '--diskspec', 'vdb,snapshot=no');
  virsh('destroy', name);
  [disk, file(1), file(2), file(3)].forEach((layer, level) => {
    write(layer, 0x11 * (level + 1), '0', `${MiB}M`);
    write(layer, 0x11 * (level + 1) + 1, `${(level + 1) * 8}M`, `${MiB}M`);
  });
  if (options.start ?? true) virsh('start', name);
  const before = { top: bytes(file(3)), data: bytes(data) };
  return { name, chain: { base: disk, sn1: file(1), sn2: file(2), sn3: file(3) }, data, before };
}

const disks = (name: string): Record<string, string> =>
  Object.fromEntries(
    virsh('domblklist', '--domain', name)
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s+/))
      .filter((words) => words.length === 2)
      .map(([target, source]) => [target!, source!]),
  );
const inactiveSources = (name: string): string[] => [...virsh('dumpxml', '--inactive', name).matchAll(/<source file='([^']*)'/g)].map((match) => match[1]!);
const snapshots = (name: string): string[] => virsh('snapshot-list', '--domain', name, '--name').split('\n').filter((line) => line !== '');

/** A cold boot starts on the chain as it now is: no file it needs is gone. */
function coldBoot(name: string): void {
  virsh('destroy', name);
  virsh('start', name);
}

describe('a shut-off domain with two disks (qemu-img, then its definition)', () => {
  it("multi-level commit of its active layer: qemu-img commits, the disk defined on sn1, the other disk untouched; it starts on sn1", async () => {
    const { name, chain, data, before } = runningChain('off-commit', 1, { start: false });
    const plan = await run({ kind: 'commit', image: chain.sn3, into: chain.sn1 });
    expect(commands(plan)).toEqual(['commit', 'rebase', 'commit', 'snapshot-delete', 'snapshot-delete']);
    expect(plan.steps.filter((step) => step.op === 'define')).toHaveLength(1);
    expect({ top: bytes(chain.sn1), data: bytes(data) }).toEqual(before);
    expect(snapshots(name)).toEqual(['s1']);
    virsh('start', name);
    expect(disks(name)).toEqual({ vda: chain.sn1, vdb: data });
  }, 90_000);

  it('flatten of its active layer: sn3 needs no backing file, and the domain starts on it alone', async () => {
    const { name, chain, data, before } = runningChain('off-flat', 1, { start: false });
    await run({ kind: 'pull', image: chain.sn3 });
    expect(backingOf(chain.sn3)).toBeNull();
    expect({ top: bytes(chain.sn3), data: bytes(data) }).toEqual(before);
    expect(snapshots(name)).toEqual([]);
    virsh('start', name);
    expect(disks(name)).toEqual({ vda: chain.sn3, vdb: data });
    expect(inactiveSources(name)).toEqual([chain.sn3, data]);
  }, 90_000);
});

describe('live: a running domain with two disks (libvirt block jobs)', () => {
  it('intermediate commit: blockcommit --top sn2 --base sn1; libvirt re-points sn3; the record of s2 goes, s3 (whose state was sn2, now in sn1) stays', async () => {
    const { name, chain, data, before } = runningChain('live-middle');
    const plan = await run({ kind: 'commit', image: chain.sn2 });
    expect(commands(plan)).toEqual(['blockcommit', 'snapshot-delete']);
    expect(plan.lost.map((sentence) => sentence.values.name)).toEqual(['s2']);
    expect(disks(name)).toEqual({ vda: chain.sn3, vdb: data });
    expect(backingOf(chain.sn3)).toBe(chain.sn1);
    expect({ top: bytes(chain.sn3), data: bytes(data) }).toEqual(before);
    expect(existsSync(chain.sn2)).toBe(false);
    expect(snapshots(name)).toEqual(['s1', 's3']);
    coldBoot(name);
    expect(disks(name)).toEqual({ vda: chain.sn3, vdb: data });
  }, 90_000);

  it('active commit with pivot: the domain runs on sn2, and its persistent definition names sn2', async () => {
    const { name, chain, data, before } = runningChain('live-active');
    const plan = await run({ kind: 'commit', image: chain.sn3 });
    expect(commands(plan)).toEqual(['blockcommit', 'snapshot-delete']);
    expect(disks(name)).toEqual({ vda: chain.sn2, vdb: data });
    expect({ top: bytes(chain.sn2), data: bytes(data) }).toEqual(before);
    // libvirt 9.0 writes the new chain into the persistent definition itself after a pivot.
    expect(inactiveSources(name)).toEqual([chain.sn2, chain.sn1, chain.base, data]);
    expect(snapshots(name)).toEqual(['s1', 's2']);
    coldBoot(name);
    expect(disks(name)).toEqual({ vda: chain.sn2, vdb: data });
  }, 90_000);

  it('active commit keeping the records: s3 stays, marked in its description as folded away; Snaptree then calls it stale and will not go back to it', async () => {
    const { name, chain } = runningChain('live-keep');
    const plan = await run({ kind: 'commit', image: chain.sn3, keepMetadata: true });
    expect(commands(plan)).toEqual(['blockcommit']);
    expect(plan.steps.map((step) => step.op)).toContain('mark-folded');
    expect(snapshots(name)).toEqual(['s1', 's2', 's3']);
    expect(virsh('snapshot-dumpxml', '--domain', name, '--snapshotname', 's3')).toContain(`<description>${FOLDED_MARK}`);
    // libvirt kept s3 current, and its parent.
    expect(virsh('snapshot-current', '--domain', name, '--name').trim()).toBe('s3');
    const revert = await planOf({ kind: 'revert', uri: URI, domain: name, snapshot: 's3' });
    expect(revert.blockers.map((blocker) => blocker.code)).toContain('snapshot-stale');
    expect(revert.blockers.find((blocker) => blocker.code === 'snapshot-stale')!.alternatives[0]!.intent).toMatchObject({ kind: 'delete', snapshot: 's3', metadataOnly: true });
  }, 90_000);

  it('pull into the active layer: blockpull --base sn1; sn3 backs onto sn1 and reads the same; a cold boot finds every file', async () => {
    const { name, chain, data, before } = runningChain('live-pull');
    const plan = await run({ kind: 'pull', image: chain.sn3, base: chain.sn1 });
    expect(commands(plan)).toEqual(['blockpull', 'snapshot-delete', 'snapshot-delete']);
    expect(backingOf(chain.sn3)).toBe(chain.sn1);
    expect(existsSync(chain.sn2)).toBe(false);
    expect(inactiveSources(name)).toEqual([chain.sn3, chain.sn1, chain.base, data]);
    // The pulled clusters' tables are QEMU's until it closes the file: read once it has.
    virsh('destroy', name);
    expect({ top: bytes(chain.sn3), data: bytes(data) }).toEqual(before);
    virsh('start', name);
    expect(disks(name)).toEqual({ vda: chain.sn3, vdb: data });
  }, 90_000);

  it.each([
    ['an intermediate commit', 'cancel-middle', (chain: Chain): IntentInput => ({ kind: 'commit', image: chain.sn2 })],
    ['an active commit', 'cancel-active', (chain: Chain): IntentInput => ({ kind: 'commit', image: chain.sn3 })],
    ['a pull', 'cancel-pull', (chain: Chain): IntentInput => ({ kind: 'pull', image: chain.sn3, base: chain.sn1 })],
  ] as const)('a cancel in the middle of %s aborts the block job: the disk stays on its chain, which reads the same; nothing is trashed, no record removed', async (_, label, intent) => {
    const { name, chain, data, before } = runningChain(label, 24);
    const plan = await planned(intent(chain));
    // Slowed to 1 MiB/s (libvirt's --bandwidth), so that the cancel comes mid-job.
    const step = plan.steps[0] as RunStep;
    const job = await fixture.watched.jobs.start({ ...plan, steps: [{ ...step, argv: [...step.argv, '--bandwidth', '1'] }, ...plan.steps.slice(1)] });
    await waitFor(() => (fixture.watched.events.findLast((event) => event.job.id === job.id)?.job.progress?.fraction ?? 0) > 0, 60_000);
    const cancelled = await fixture.watched.jobs.cancel(job.id);

    expect(cancelled.state).toBe('cancelled');
    expect(virsh('blockjob', '--domain', name, '--path', 'vda', '--raw').trim()).toBe('');
    expect(disks(name)).toEqual({ vda: chain.sn3, vdb: data });
    expect(backingOf(chain.sn3)).toBe(chain.sn2);
    expect({ top: bytes(chain.sn3), data: bytes(data) }).toEqual(before);
    expect([chain.base, chain.sn1, chain.sn2, chain.sn3].every(existsSync)).toBe(true);
    expect(snapshots(name)).toEqual(['s1', 's2', 's3']);
  }, 120_000);
});
