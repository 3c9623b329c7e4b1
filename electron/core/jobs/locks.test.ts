import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertStep, planOf } from './jobs.test-support.js';
import { lockKeysOf, Locks, removeStale, type LockKey } from './locks.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snaptree-locks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const keys: LockKey[] = [
  { key: 'file /vm/a.qcow2', what: '/vm/a.qcow2' },
  { key: 'domain qemu:///system 1234', what: 'web' },
];

/** The lock file a process with this pid would have left for the key. */
async function leaveLock(pid: number, job: string, boot?: string): Promise<void> {
  const locks = new Locks(dir, () => true);
  locks.acquire('placeholder', keys.slice(0, 1));
  const [name] = await readdir(join(dir, 'locks'));
  writeFileSync(join(dir, 'locks', name!), JSON.stringify({ pid, job, what: '/vm/a.qcow2', ...(boot === undefined ? {} : { boot }) }));
}

describe('locks shared between Snaptree processes', () => {
  it('are all or nothing: a second job gets none of them while one is held, and all once it is released', async () => {
    const ours = new Set(['one', 'two']);
    const locks = new Locks(dir, (job) => ours.has(job));
    expect(locks.acquire('one', keys.slice(0, 1))).toBeNull();
    expect(locks.acquire('two', keys)).toEqual({ job: 'one', what: '/vm/a.qcow2' });
    // The domain lock it did get was given back.
    expect(await readdir(join(dir, 'locks'))).toHaveLength(1);
    locks.release('one', keys.slice(0, 1));
    expect(locks.acquire('two', keys)).toBeNull();
  });

  it('a lock held by a live process of another job is respected', async () => {
    await leaveLock(process.ppid, 'theirs');
    expect(await new Locks(dir, () => false).acquire('mine', keys)).toEqual({ job: 'theirs', what: '/vm/a.qcow2' });
  });

  it('a lock whose process is dead (kill -9, a crash) is stale and taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    await leaveLock(dead, 'crashed');
    expect(await new Locks(dir, () => false).acquire('mine', keys)).toBeNull();
  });

  it('a lock from an earlier boot of the machine (a power cut) is stale, though its pid is alive now as another process', async () => {
    await leaveLock(process.ppid, 'before-the-power-cut', '00000000-0000-4000-8000-000000000000');
    expect(await new Locks(dir, () => false).acquire('mine', keys)).toBeNull();
  });

  it("a lock of this process's pid for a job it does not run (left by an earlier life of the pid) is stale", async () => {
    await leaveLock(process.pid, 'forgotten');
    expect(await new Locks(dir, (job) => job === 'mine').acquire('mine', keys)).toBeNull();
  });

  it('a damaged lock (empty after a power cut, or with no pid) is stale: no process holds it, and kill(0) asks about our own group', async () => {
    await leaveLock(0, 'no-pid');
    expect(new Locks(dir, () => false).acquire('mine', keys)).toBeNull();
    new Locks(dir, () => true).release('mine', keys);
    await leaveLock(1, 'placeholder');
    const [name] = await readdir(join(dir, 'locks'));
    writeFileSync(join(dir, 'locks', name!), '');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'locks', name!), aMinuteAgo, aMinuteAgo);
    expect(new Locks(dir, () => false).acquire('mine', keys)).toBeNull();
  });

  it('a lock made a moment ago and not yet written (its writer stopped between the two) is held, not damaged: its job may be starting', async () => {
    await leaveLock(1, 'placeholder');
    const [name] = await readdir(join(dir, 'locks'));
    writeFileSync(join(dir, 'locks', name!), '');
    expect(new Locks(dir, () => false).acquire('mine', keys)).toEqual({ job: null, what: '/vm/a.qcow2' });
    expect(readFileSync(join(dir, 'locks', name!), 'utf8')).toBe('');
    // Ten seconds on, nothing wrote it: damaged, and taken over.
    const later = new Date(Date.now() - 11_000);
    utimesSync(join(dir, 'locks', name!), later, later);
    expect(new Locks(dir, () => false).acquire('mine', keys)).toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'locks', name!), 'utf8'))).toMatchObject({ job: 'mine', pid: process.pid });
  });

  it('taking a stale lock away never takes a lock made in its place since it was read (another process took it over): that one stays, the same file', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    await leaveLock(dead, 'crashed');
    const [name] = await readdir(join(dir, 'locks'));
    const file = join(dir, 'locks', name!);
    const staleText = readFileSync(file, 'utf8');
    // Taken over by a live process between this one's read and its removal: a new lock by the name.
    await rm(file);
    const fresh = JSON.stringify({ pid: process.ppid, job: 'theirs', what: '/vm/a.qcow2' });
    writeFileSync(file, fresh);
    const made = statSync(file).ino;
    removeStale(file, staleText);
    expect(readFileSync(file, 'utf8')).toBe(fresh);
    expect(statSync(file).ino).toBe(made);
    // One made and not yet written stays too.
    writeFileSync(file, '');
    removeStale(file, '');
    expect(readFileSync(file, 'utf8')).toBe('');
    // Nothing left beside it; the stale one itself goes.
    expect(await readdir(join(dir, 'locks'))).toEqual([name]);
    writeFileSync(file, staleText);
    removeStale(file, staleText);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
    expect(new Locks(dir, () => false).acquire('mine', keys)).toBeNull();
  });

  it('what a process that died while taking a stale lock away left beside it is cleared by the next process: a live holder\'s lock goes back under its name, a dead one\'s is removed, a live maker\'s is left to it', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    await leaveLock(dead, 'crashed');
    const [name] = await readdir(join(dir, 'locks'));
    const file = join(dir, 'locks', name!);
    const live = JSON.stringify({ pid: process.ppid, job: 'theirs', what: '/vm/a.qcow2' });
    // The dead process had moved a live lock aside and a stale one; a live process (this one) is moving one now.
    writeFileSync(`${file}.stale-${dead}-0000000a`, live);
    writeFileSync(`${file}.stale-${dead}-0000000b`, readFileSync(file, 'utf8'));
    writeFileSync(`${file}.stale-${process.pid}-0000000c`, live);
    await rm(file);
    const locks = new Locks(dir, () => false);
    expect((await readdir(join(dir, 'locks'))).sort()).toEqual([name, `${name}.stale-${process.pid}-0000000c`]);
    expect(readFileSync(file, 'utf8')).toBe(live);
    // The lock is its live holder's again: another job waits for it.
    expect(locks.acquire('mine', keys)).toEqual({ job: 'theirs', what: '/vm/a.qcow2' });
  });

  it('a lock that can be neither read nor removed (a folder in its place) fails the start, naming it, instead of being tried for ever', async () => {
    await leaveLock(1, 'placeholder');
    const [name] = await readdir(join(dir, 'locks'));
    await rm(join(dir, 'locks', name!));
    await mkdir(join(dir, 'locks', name!, 'inside'), { recursive: true });
    expect(() => new Locks(dir, () => false).acquire('mine', keys)).toThrow(/the lock .* for \/vm\/a\.qcow2 is damaged and cannot be removed/);
  });
});

describe('lock keys', () => {
  it('name the file, not the spelling: a symlink to it, a folder reached through a link, a `..`, and a target not made yet all wait for the job that holds it', async () => {
    const vm = join(dir, 'vm');
    await mkdir(vm);
    writeFileSync(join(vm, 'a.raw'), '');
    await symlink('a.raw', join(vm, 'link.raw'));
    await symlink(vm, join(dir, 'through'));
    const locks = new Locks(dir, () => true);
    const convert = (source: string, target: string) => lockKeysOf(planOf([convertStep(source, target)], { lockFiles: [source] }));
    const first = convert(join(vm, 'a.raw'), join(vm, 'new.qcow2'));
    expect(locks.acquire('first', first)).toBeNull();
    for (const [source, target] of [
      [join(vm, 'link.raw'), join(dir, 'other.qcow2')],
      [join(dir, 'through', 'a.raw'), join(dir, 'other.qcow2')],
      [join(vm, '..', 'vm', 'a.raw'), join(dir, 'other.qcow2')],
      [join(dir, 'other.raw'), join(dir, 'through', 'new.qcow2')],
    ] as const) {
      const held = locks.acquire('second', convert(source, target));
      expect(held?.job, `${source} -> ${target}`).toBe('first');
    }
    locks.release('first', first);
    expect(locks.acquire('second', convert(join(vm, 'link.raw'), join(dir, 'through', 'new.qcow2')))).toBeNull();
  });
});
