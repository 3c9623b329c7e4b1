/**
 * Deleting libvirt snapshots for real: planned as the CLI plans (its scan of the domains'
 * folders, the inventory of qemu:///system), run by the job runner, on TCG domains with
 * data written into every layer. Each test checks what a user notices: every chain that
 * must not change reads the same bytes, every file a chain needs is there, the unused ones
 * are in the trash, and virsh reports the expected tree, current snapshot and disks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDomainXml } from '../../../shared/libvirt/domain-xml.js';
import type { RunStep } from '../../../shared/plans/plan.js';
import { URI, virsh } from '../libvirt/domains.test-support.js';
import { commands, domainJobsOfFile } from './domain-jobs.test-support.js';
import { QEMU_IMG } from './jobs.test-support.js';
import { backingOf, guestBytes as bytesOf, trashed as trashedIn, write as writeAt } from './guest-data.test-support.js';

const fixture = domainJobsOfFile('delete');
const { run } = fixture;

// The layers' data and what the guest reads, as the merge tests write and read them.
const write = (path: string, pattern: number, offsetMiB: number): void => writeAt(path, pattern, `${offsetMiB}M`);
/** With -U, as a running QEMU may hold it; a layer a block job wrote into is read once its QEMU stopped. */
const guestBytes = (top: string): string => bytesOf(top, fixture.scratch);
const trashed = (): string[] => trashedIn(fixture.domains.dir);

/** `snapshot-list --parent`: each snapshot's parent ('' for a root). */
function tree(name: string): Record<string, string> {
  const lines = virsh('snapshot-list', '--domain', name, '--parent').split('\n').slice(2).filter((line) => line.trim() !== '');
  // Columns: name, creation time (3 words), state, parent; a name may hold spaces, so read from the right.
  return Object.fromEntries(
    virsh('snapshot-list', '--domain', name, '--name')
      .split('\n')
      .filter((line) => line !== '')
      .map((snapshot) => {
        const line = lines.find((candidate) => candidate.trimStart().startsWith(`${snapshot} `))!;
        const rest = line.trimStart().slice(snapshot.length).trim().split(/\s+/);
        return [snapshot, rest.slice(4).join(' ')];
      }),
  );
}

const current = (name: string): string => {
  try {
    return virsh('snapshot-current', '--domain', name, '--name').trim();
  } catch {
    return '';
  }
};
const activeLayer = (name: string): string => virsh('domblklist', '--domain', name).split('\n').find((line) => line.trim().startsWith('vda'))!.trim().slice(3).trim();
const inactiveSource = (name: string): string => /<source file='([^']*)'/.exec(virsh('dumpxml', '--inactive', name))![1]!;

/** A disk-only external snapshot; libvirt makes the overlay (a shut-off domain's too). */
function external(name: string, snapshot: string, file: string): void {
  virsh('snapshot-create-as', '--domain', name, '--name', snapshot, '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${file}`);
}

/**
 * base (0x11 at 0) <- a, made by s1 (0x22 at 1M) <- b, made by s2 (0x33 at 2M). The
 * snapshots are taken while the domain runs, as a user takes them (libvirt then writes the
 * whole chain into the persistent XML's <backingStore>); the data goes in while it is off.
 */
function chainOfTwo(label: string, options: { start?: boolean } = {}) {
  const { name, disk } = fixture.domains.define(label);
  const a = join(fixture.domains.dir, `${label}.s1.qcow2`);
  const b = join(fixture.domains.dir, `${label}.s2.qcow2`);
  write(disk, 0x11, 0);
  virsh('start', name);
  external(name, 's1', a);
  external(name, 's2', b);
  virsh('destroy', name);
  write(a, 0x22, 1);
  write(b, 0x33, 2);
  if (options.start) virsh('start', name);
  return { name, base: disk, a, b };
}

const remove = (domain: string, snapshot: string, fields: { children?: boolean } = {}) => ({ kind: 'delete' as const, uri: URI, domain, snapshot, ...fields });

describe('deleting snapshots of a running domain', () => {
  it('an internal one: libvirt removes it from the qcow2; its child gets its parent; the guest reads the same', async () => {
    const { name, disk } = fixture.domains.define('internal');
    write(disk, 0x11, 0);
    virsh('start', name);
    virsh('snapshot-create-as', '--domain', name, '--name', 'i1');
    virsh('snapshot-create-as', '--domain', name, '--name', 'i2');
    const before = guestBytes(disk);

    const plan = await run(remove(name, 'i1'));

    expect(commands(plan)).toEqual(['snapshot-delete']);
    expect(tree(name)).toEqual({ i2: '' });
    expect(current(name)).toBe('i2');
    expect(execFileSync(QEMU_IMG, ['snapshot', '-U', '-l', disk], { encoding: 'utf8' })).not.toContain('i1');
    expect(guestBytes(disk)).toBe(before);
  }, 60_000);

  it('an internal one below an external snapshot\'s overlay is refused while the domain runs (libvirt 9.0 would refuse it mid-plan), and deleted once it is shut off', async () => {
    const { name, disk } = fixture.domains.define('internal-below');
    write(disk, 0x11, 0);
    virsh('start', name);
    virsh('snapshot-create-as', '--domain', name, '--name', 'i1');
    external(name, 'e1', join(fixture.domains.dir, 'internal-below.e1.qcow2'));
    const refused = await fixture.planOf(remove(name, 'i1'));
    expect(refused.blockers).toMatchObject([{ code: 'internal-below-active', values: { name: 'i1', path: disk } }]);
    virsh('destroy', name);
    const overlay = join(fixture.domains.dir, 'internal-below.e1.qcow2');
    write(overlay, 0x22, 1);
    const before = [guestBytes(overlay), guestBytes(disk)];
    await run(remove(name, 'i1'));
    expect(tree(name)).toEqual({ e1: '' });
    // Only the snapshot went: what the guest reads, through the overlay and in the base, is as it was.
    expect([guestBytes(overlay), guestBytes(disk)]).toEqual(before);
    expect(execFileSync(QEMU_IMG, ['snapshot', '-l', disk], { encoding: 'utf8' })).not.toContain('i1');
  }, 60_000);

  it('an external leaf: an active commit with pivot into the file below; the domain writes it, a cold boot too; the overlay in the trash', async () => {
    const { name, a, b } = chainOfTwo('leaf', { start: true });
    const before = guestBytes(b);

    await run(remove(name, 's2'));

    expect(activeLayer(name)).toBe(a);
    virsh('destroy', name);
    expect(guestBytes(a)).toBe(before);
    expect(existsSync(b)).toBe(false);
    expect(trashed()).toContain('leaf.s2.qcow2');
    expect(tree(name)).toEqual({ s1: '' });
    expect(current(name)).toBe('s1');
    // libvirt 9.0 updates the persistent definition after a pivot: a cold boot stays on a.
    expect(inactiveSource(name)).toBe(a);
  }, 60_000);

  it('an external one in the middle: its overlay committed into the base by a block job, the layer above re-pointed by libvirt', async () => {
    const { name, base, a, b } = chainOfTwo('middle', { start: true });
    const before = guestBytes(b);

    await run(remove(name, 's1'));

    expect(activeLayer(name)).toBe(b);
    virsh('destroy', name);
    expect(backingOf(b)).toBe(base);
    expect(guestBytes(b)).toBe(before);
    expect(existsSync(a)).toBe(false);
    expect(tree(name)).toEqual({ s2: '' });
    expect(current(name)).toBe('s2');
  }, 60_000);

  it('an external one whose state another branch reads too: the base is not written; its data is pulled up into the layer the domain writes', async () => {
    const { name, disk } = fixture.domains.define('pull');
    const overlay = join(fixture.domains.dir, 'pull.s1.qcow2');
    const branch = join(fixture.domains.dir, 'pull.branch.qcow2');
    write(disk, 0x11, 0);
    virsh('start', name);
    external(name, 's1', overlay);
    virsh('destroy', name);
    write(overlay, 0x22, 1);
    // Another branch on the base, made by hand (a clone, say), with data of its own.
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', disk, '-F', 'qcow2', branch]);
    write(branch, 0x33, 2);
    virsh('start', name);
    const [running, other, base] = [guestBytes(overlay), guestBytes(branch), guestBytes(disk)];

    const plan = await run(remove(name, 's1'));

    expect(commands(plan)).toEqual(['blockpull', 'snapshot-delete']);
    expect(plan.unused).toEqual([]);
    expect(activeLayer(name)).toBe(overlay);
    // QEMU keeps the pulled layer's metadata in its cache: what is on disk is whole once it stops.
    virsh('destroy', name);
    expect([guestBytes(overlay), guestBytes(branch), guestBytes(disk)]).toEqual([running, other, base]);
    expect(backingOf(overlay)).toBe(null);
    expect(backingOf(branch)).toBe(disk);
    expect(tree(name)).toEqual({});
  }, 60_000);

  it('an external one with --children: both folded, leaves first, into the base the domain now writes', async () => {
    const { name, base, a, b } = chainOfTwo('children', { start: true });
    const before = guestBytes(b);

    const plan = await run(remove(name, 's1', { children: true }));

    expect(commands(plan)).toEqual(['blockcommit', 'snapshot-delete', 'blockcommit', 'snapshot-delete']);
    expect(activeLayer(name)).toBe(base);
    virsh('destroy', name);
    expect(guestBytes(base)).toBe(before);
    expect([existsSync(a), existsSync(b)]).toEqual([false, false]);
    expect(tree(name)).toEqual({});
  }, 60_000);
});

describe('deleting snapshots of a shut-off domain', () => {
  it('an external one in the middle: qemu-img commit and rebase -u, and the domain boots on the chain as it now is', async () => {
    const { name, base, a, b } = chainOfTwo('offline');
    const before = guestBytes(b);

    const plan = await run(remove(name, 's1'));

    expect(commands(plan)).toEqual(['commit', 'rebase', 'snapshot-delete']);
    expect(backingOf(b)).toBe(base);
    expect(guestBytes(b)).toBe(before);
    expect(existsSync(a)).toBe(false);
    expect(tree(name)).toEqual({ s2: '' });
    // The persistent XML named a in its <backingStore>: redefined, the domain starts.
    virsh('start', name);
    expect(activeLayer(name)).toBe(b);
  }, 60_000);

  it('--metadata-only with --children: the records go, every file and chain stays as it was', async () => {
    const { name, base, a, b } = chainOfTwo('records');
    const before = [guestBytes(b), guestBytes(a), guestBytes(base)];

    const plan = await run({ ...remove(name, 's1', { children: true }), metadataOnly: true });

    expect(plan.unused).toEqual([]);
    expect([guestBytes(b), guestBytes(a), guestBytes(base)]).toEqual(before);
    expect([backingOf(b), backingOf(a)]).toEqual([a, base]);
    expect(tree(name)).toEqual({});
    virsh('start', name);
    expect(activeLayer(name)).toBe(b);
  }, 60_000);

  it('an external one with an internal parent (libvirt 9.0 refuses to): folded, the internal snapshot kept in the base', async () => {
    const { name, disk } = fixture.domains.define('internal-parent');
    write(disk, 0x11, 0);
    virsh('snapshot-create-as', '--domain', name, '--name', 'i0');
    const a = join(fixture.domains.dir, 'internal-parent.s1.qcow2');
    external(name, 's1', a);
    write(a, 0x22, 1);
    const before = guestBytes(a);
    expect(() => virsh('snapshot-delete', '--domain', name, '--snapshotname', 's1')).toThrow(/internal snapshot as parent not supported/);

    await run(remove(name, 's1'));

    expect(guestBytes(disk)).toBe(before);
    expect(execFileSync(QEMU_IMG, ['snapshot', '-U', '-l', disk], { encoding: 'utf8' })).toContain('i0');
    expect(tree(name)).toEqual({ i0: '' });
    expect(current(name)).toBe('i0');
    virsh('start', name);
    expect(activeLayer(name)).toBe(disk);
  }, 60_000);

  it(`a snapshot and its overlay named with spaces, quotes and Unicode`, async () => {
    const { name, disk } = fixture.domains.define('names');
    const snapshot = `it's "q" ✓ 日本 $(x)`;
    const overlay = join(fixture.domains.dir, `a b 'q' "d" ✓ 日本.qcow2`);
    write(disk, 0x11, 0);
    external(name, snapshot, overlay);
    write(overlay, 0x22, 1);
    const before = guestBytes(overlay);

    await run(remove(name, snapshot));

    expect(guestBytes(disk)).toBe(before);
    expect(existsSync(overlay)).toBe(false);
    expect(trashed()).toContain(`a b 'q' "d" ✓ 日本.qcow2`);
    expect(tree(name)).toEqual({});
    virsh('start', name);
    expect(activeLayer(name)).toBe(disk);
  }, 60_000);
});

/**
 * Reference 6.2's snapshots, data in each layer, the domain left shut off: on base (0x11
 * at 0), ext1 (disk-only, made e1: 0x22 at 1M), mem1 (a checkpoint with memory, made m:
 * 0x33 at 2M), ext2 (disk-only, made x2: 0x55 at 4M).
 */
function checkpointBetween(label: string) {
  const { name, disk } = fixture.domains.define(label);
  const file = (suffix: string) => join(fixture.domains.dir, `${label}.${suffix}`);
  const [e1, m, x2, memory] = [file('ext1.qcow2'), file('mem1.qcow2'), file('ext2.qcow2'), file('mem1.mem')];
  write(disk, 0x11, 0);
  external(name, 'ext1', e1);
  write(e1, 0x22, 1);
  virsh('start', name);
  virsh('snapshot-create-as', '--domain', name, '--name', 'mem1', '--memspec', `file=${memory},snapshot=external`, '--diskspec', `vda,snapshot=external,file=${m}`);
  external(name, 'ext2', x2);
  virsh('destroy', name);
  write(m, 0x33, 2);
  write(x2, 0x55, 4);
  return { name, base: disk, e1, m, x2, memory, file };
}

/**
 * Reference 6.2's scenario (checkpointBetween), then the revert to mem1 that libvirt 9.0
 * refuses, done by hand as reference 6.1 does it (a fresh overlay r on mem1's state file
 * e1, the domain defined on it, mem1 made current). e1 now backs two branches: the old
 * one (x2 <- m) and the running one (r).
 */
function twoBranches(label: string) {
  const { name, base, e1, m, x2, memory, file } = checkpointBetween(label);
  const r = file('mem1-r1.qcow2');
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', e1, '-F', 'qcow2', r]);
  write(r, 0x44, 3);
  const uuid = virsh('domuuid', '--domain', name).trim();
  const edited = editDomainXml(virsh('dumpxml', '--inactive', name), { uuid, name }, { kind: 'switch-disk', target: 'vda', path: r, format: 'qcow2' });
  if (!('xml' in edited)) throw new Error('the domain XML could not be edited');
  const xml = join(fixture.scratch, `${label}.xml`);
  writeFileSync(xml, edited.xml);
  virsh('define', xml);
  virsh('snapshot-current', '--domain', name, 'mem1');
  virsh('start', name);
  expect(activeLayer(name)).toBe(r);
  return { name, base, e1, m, x2, r, memory };
}

describe('two branches share a file (reference 6.2)', () => {
  it('libvirt itself, asked to delete ext1, removes the file the old branch still reads (on a throwaway copy of the scenario)', () => {
    const { name, e1, m } = twoBranches('libvirt-own');
    virsh('snapshot-delete', '--domain', name, '--snapshotname', 'ext1');
    expect(existsSync(e1)).toBe(false);
    expect(backingOf(m)).toBe(e1);
    expect(() => execFileSync(QEMU_IMG, ['info', '--backing-chain', m], { stdio: 'ignore' })).toThrow();
  }, 60_000);

  it('Snaptree deletes ext1, then mem1, then ext2 (off the running chain): both branches still read byte for byte, every file they need is there', async () => {
    const { name, base, e1, m, x2, r, memory } = twoBranches('branches');
    const oldBranch = guestBytes(x2);
    const running = guestBytes(r);

    const first = await run(remove(name, 'ext1'));
    // Only e1 reads the base: committed into it; libvirt re-points r, Snaptree m. Never libvirt's own delete.
    expect(commands(first)).toEqual(['blockcommit', 'rebase', 'snapshot-delete']);
    expect((first.steps.find((step) => step.op === 'run' && step.argv.includes('snapshot-delete')) as RunStep).argv).toContain('--metadata');
    expect([guestBytes(x2), guestBytes(r)]).toEqual([oldBranch, running]);
    expect([backingOf(m), backingOf(r)]).toEqual([base, base]);
    expect(existsSync(e1)).toBe(false);

    // Now the base backs both branches: it must not be written. mem1's overlay takes all of it instead.
    const second = await run(remove(name, 'mem1'));
    expect(commands(second)).toEqual(['rebase', 'snapshot-delete']);
    expect(second.warnings.map((warning) => warning.key)).toContain('plans.delete.warning.stillUsed');
    expect([guestBytes(x2), guestBytes(r)]).toEqual([oldBranch, running]);
    expect(backingOf(m)).toBe(null);
    expect(existsSync(base)).toBe(true);
    expect(existsSync(memory)).toBe(false);

    // ext2's files are in no running chain (libvirt: "could not find base disk source"): folded offline.
    const third = await run(remove(name, 'ext2'));
    expect(commands(third)).toEqual(['commit', 'snapshot-delete']);
    expect(guestBytes(m)).toBe(oldBranch);
    expect(guestBytes(r)).toBe(running);
    expect(existsSync(x2)).toBe(false);
    expect(activeLayer(name)).toBe(r);
    expect(tree(name)).toEqual({});
  }, 90_000);

  it('Snaptree deletes ext1 with --children in one plan: the old branch\'s data stays whole in its own file, the running branch reads the same', async () => {
    const { name, base, e1, m, x2, r, memory } = twoBranches('children-branches');
    const oldBranch = guestBytes(x2);
    const running = guestBytes(r);

    const plan = await run(remove(name, 'ext1', { children: true }));

    expect(commands(plan)).toEqual(['blockcommit', 'rebase', 'snapshot-delete', 'rebase', 'snapshot-delete', 'commit', 'snapshot-delete']);
    expect(guestBytes(m)).toBe(oldBranch);
    expect(guestBytes(r)).toBe(running);
    expect([backingOf(m), backingOf(r)]).toEqual([null, base]);
    expect([existsSync(e1), existsSync(x2), existsSync(memory)]).toEqual([false, false, false]);
    expect(tree(name)).toEqual({});
  }, 90_000);
});

describe('reference 6.1 and 6.2 end to end, through Snaptree alone', () => {
  it("reverts to the checkpoint mem1 (libvirt 9.0 refuses it), then deletes ext1, whose file both branches share, then mem1 and ext2: both branches still read byte for byte", async () => {
    const { name, base: disk, e1, m, x2 } = checkpointBetween('end-to-end');
    virsh('start', name);
    const oldBranch = guestBytes(x2);
    const atMem1 = guestBytes(e1);

    // Snaptree's revert: a fresh overlay on mem1's state file (e1), the guest's RAM restored on it.
    const reverted = await run({ kind: 'revert', uri: URI, domain: name, snapshot: 'mem1' });
    expect(commands(reverted)).toEqual(['create', 'destroy', 'snapshot-current']);
    const r = activeLayer(name);
    expect(backingOf(r)).toBe(e1);
    expect(virsh('domstate', '--domain', name).trim()).toBe('running');
    expect([guestBytes(x2), guestBytes(r)]).toEqual([oldBranch, atMem1]);

    // e1 now backs both branches: deleting ext1 commits it into the base and re-points both.
    await run(remove(name, 'ext1'));
    expect(existsSync(e1)).toBe(false);
    expect([backingOf(m), backingOf(r)]).toEqual([disk, disk]);
    await run(remove(name, 'mem1'));
    await run(remove(name, 'ext2'));
    virsh('destroy', name);
    expect(guestBytes(existsSync(x2) ? x2 : m)).toBe(oldBranch);
    expect(guestBytes(r)).toBe(atMem1);
    expect(tree(name)).toEqual({});
  }, 120_000);
});
