/**
 * What a job holds while it runs: one lock per file and per domain. The window, `serve`
 * and the CLI are separate processes sharing the journal folder, so a lock is a file in
 * `<journal>/locks/`, made exclusively (it fails where one exists) and holding the pid and job id. A lock whose pid is
 * no longer alive (a crash, kill -9) is stale and taken over.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Plan } from '../../../shared/plans/plan.js';
import { fsPath } from '../images/fs-path.js';

/** One thing a job holds, and how a person names it ("/vm/a.qcow2", "web"). */
export interface LockKey {
  readonly key: string;
  readonly what: string;
}

interface LockFile {
  readonly pid: number;
  /** Left out by locks of earlier versions. */
  readonly boot?: string;
  readonly job: string;
  readonly what: string;
  /** The key itself (`file …`, `domain …`); left out by locks of earlier versions. */
  readonly key?: string;
}

/** Who holds what the job asked for. */
export interface Held {
  /** Null for a lock being made this moment, whose job it does not say yet. */
  readonly job: string | null;
  readonly what: string;
}

/**
 * The file a path names, as one key however it is spelt: a symlink, `..`, a folder reached
 * through a link all resolve to the same real path. A file not there yet (a target) is its
 * real folder and its name, which is what realpath says of it once it is made. Bytes
 * (latin1), as the scan keys folders: a name that is not UTF-8 stays itself.
 */
function realFile(path: string): string {
  const real = realpathOrNull(path) ?? (() => {
    const folder = realpathOrNull(dirname(path));
    return folder === null ? null : Buffer.concat([folder, Buffer.from('/'), fsPath(basename(path))]);
  })();
  return real === null ? path : real.toString('latin1');
}

function realpathOrNull(path: string): Buffer | null {
  try {
    return realpathSync.native(fsPath(path), 'buffer');
  } catch {
    return null;
  }
}

/**
 * Every file a plan writes, creates, makes unused or names as a lock (by its real path), and
 * every domain it locks. Synchronous, as the locks are: a chain of fifteen layers resolved
 * through the thread pool cost a job's start 3 ms while the re-read kept the pool busy.
 */
export function lockKeysOf(plan: Plan): LockKey[] {
  const files = new Set([...plan.locks.files, ...plan.changes, ...plan.creates, ...plan.unused]);
  const keys = [...files].map((path) => ({ key: `file ${realFile(path)}`, what: path }));
  // By connection and UUID: a domain renamed meanwhile is still the same domain.
  for (const domain of plan.locks.domains) keys.push({ key: `domain ${domain.uri} ${domain.uuid}`, what: domain.name });
  // One order for every job: two jobs that want the same files never take one each, both
  // give up and both try again at the same moment.
  return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** This boot of the machine: a pid from another boot names another process, whatever runs under it now. */
export const BOOT = ((): string => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
})();

/** Whether the process that wrote a lock or a record still runs: of this boot (when it said which), and alive. */
export function isAlive(pid: number, boot?: string): boolean {
  if (boot !== undefined && boot !== BOOT) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The text of a lock file: null where it is not there, `unreadable` where it cannot be read. */
function lockText(file: string, unreadable: string | null = null): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : unreadable;
  }
}

/**
 * Makes the lock, failing where one exists (O_EXCL), its text written at once: one call to
 * the file system that changes it, where a draft linked into place took three, and a job
 * on a long chain holds a lock per layer. A reader may find it made and not yet written,
 * for a moment (`beingWritten`); one that took it for damaged meanwhile (its writer stopped
 * longer than that: a suspended machine) has removed it, which the check after the write
 * finds: then the lock is not ours, and it is made again or found held.
 */
function made(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  let ours: boolean;
  try {
    writeFileSync(fd, text);
    ours = sameFile(fstatSync(fd), file);
  } catch (error) {
    // Not left unwritten behind it (a full disk): others would wait for it a while for nothing.
    if (sameFile(fstatSync(fd), file)) removeLock(file);
    throw error;
  } finally {
    closeSync(fd);
  }
  return ours;
}

/** Whether the name still stands for the file made: nobody removed it and made another since. */
function sameFile(made: { ino: number; dev: number }, file: string): boolean {
  try {
    const now = statSync(file);
    return now.ino === made.ino && now.dev === made.dev;
  } catch {
    return false;
  }
}

/** How long a lock file that does not parse may still be one being written: a writer fills it at once. */
const BEING_WRITTEN_MS = 10_000;
/** The pid said of a lock being written: no process's. */
const BEING_MADE = -1;
/** How often it is read again before it counts as being written still (each read a few microseconds). */
const BEING_WRITTEN_READS = 20;

/** A lock file made a moment ago: one that does not parse yet is being written, not damaged. */
function beingWritten(file: string): boolean {
  try {
    const stats = statSync(file);
    return stats.isFile() && Date.now() - stats.mtimeMs < BEING_WRITTEN_MS;
  } catch {
    return false;
  }
}

function parsedLock(text: string): LockFile | null {
  try {
    const lock = JSON.parse(text) as unknown;
    return typeof lock === 'object' && lock !== null ? (lock as LockFile) : null;
  } catch {
    return null;
  }
}

function removeLock(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already: another process took the stale lock over, or let its own go
  }
}

/**
 * Takes away the stale lock whose text was `staleText`, and never a lock made since in its
 * place: another process may take the stale one over between the last read and the removal,
 * and an unlink by name would remove its new lock, which it holds. So the name is renamed
 * away first (atomic: what stands there now is moved, whatever it is) and what was moved is
 * looked at: the stale lock is removed; anything else (another text, a young file not yet
 * written, a folder) goes back under the name, the same inode, so that its maker's check
 * still finds its own file. Where yet another lock was made under the name meanwhile, that
 * one holds and the one moved away is removed: its maker's check finds another inode there.
 */
export function removeStale(file: string, staleText: string): void {
  // Not a `.lock`: never read as one, by this process or another.
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // gone already: another process took it over, or its job let it go
  }
  const moved = lstatSync(aside);
  const text = moved.isFile() ? lockText(aside) : null;
  const stale = text === staleText && (parsedLock(text) !== null || !beingWritten(aside));
  if (stale) return removeLock(aside);
  try {
    if (moved.isFile()) linkSync(aside, file);
    else return renameSync(aside, file);
  } catch {
    // a lock made under the name meanwhile: it holds
  }
  removeLock(aside);
}

/** How often a stale lock is taken over before one that will not go is said to be stuck. */
const STALE_TRIES = 3;

/**
 * Locks are a few bytes each in the state folder, taken and let go with synchronous calls:
 * each costs microseconds, where a trip through the thread pool costs a tenth of a
 * millisecond, and a job on a long chain holds a lock per layer (one call each to take, in
 * order): a snapshot of a domain with fifteen layers spent 4 ms taking its locks through the
 * pool and as much letting them go, most of a job's own cost.
 */
export class Locks {
  private readonly folder: string;

  /** `ours`: the ids of the jobs this process runs, to tell its own live locks from a dead job's. */
  constructor(
    journalDir: string,
    private readonly ours: (job: string) => boolean,
  ) {
    this.folder = join(journalDir, 'locks');
    this.sweepAsides();
  }

  /**
   * What a process that died inside removeStale left beside a lock, its aside: a live
   * holder's lock goes back under its name (where none was made since), anything else is
   * removed. An aside whose maker lives is its maker's to finish.
   */
  private sweepAsides(): void {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return;
    }
    for (const name of names) {
      const aside = /^(.+\.lock)\.stale-(\d+)-[0-9a-f]{8}$/.exec(name);
      if (aside === null || isAlive(Number(aside[2]))) continue;
      const file = join(this.folder, name);
      const lock = parsedLock(lockText(file) ?? '');
      if (lock !== null && Number.isInteger(lock.pid) && lock.pid > 0 && isAlive(lock.pid, lock.boot)) {
        try {
          linkSync(file, join(this.folder, aside[1]!));
        } catch {
          // a lock made under the name meanwhile: it holds
        }
      }
      removeLock(file);
    }
  }

  private fileOf(key: LockKey): string {
    // Hashed: a path is longer than a file name may be, and holds slashes.
    return join(this.folder, `${createHash('sha256').update(key.key).digest('hex').slice(0, 32)}.lock`);
  }

  /** Who holds the lock now, or null when it is free or stale (a stale one is removed). */
  private holder(file: string): LockFile | null {
    // One that cannot be read is taken as damaged.
    let text = lockText(file, '');
    if (text === null) return null;
    let lock = parsedLock(text);
    // Made and not yet written (its few bytes follow at once): read again for a moment.
    for (let tries = 0; lock === null && tries < BEING_WRITTEN_READS && beingWritten(file); tries++) {
      text = lockText(file, '');
      if (text === null) return null;
      lock = parsedLock(text);
    }
    if (lock === null) {
      // Still not written: its writer stopped between making and writing it, a moment ago.
      // Held all the same (whose, no one can say); once old, it is damaged and nothing holds it.
      if (beingWritten(file)) return { pid: BEING_MADE, job: '', what: '' };
      lock = { pid: 0, job: '', what: '' };
    }
    // No pid (a damaged lock): kill(0) would ask about this process's own group, which lives.
    const stale = !Number.isInteger(lock.pid) || lock.pid <= 0 ? true : lock.boot !== undefined && lock.boot !== BOOT ? true : lock.pid === process.pid ? !this.ours(lock.job) : !isAlive(lock.pid);
    if (!stale) return lock;
    // Read once more first: another process that took the stale lock over a moment ago has
    // made a new one, which must stay (not yet written, it is a young file).
    if (lockText(file) === text) removeStale(file, text);
    return null;
  }

  /** All of the keys for the job, or none: null when taken, else who holds one of them. */
  acquire(job: string, keys: readonly LockKey[]): Held | null {
    mkdirSync(this.folder, { recursive: true });
    const taken: string[] = [];
    for (const key of keys) {
      const file = this.fileOf(key);
      const held = this.take(file, job, key);
      if (held !== null) {
        taken.forEach(removeLock);
        return held;
      }
      taken.push(file);
    }
    return null;
  }

  private take(file: string, job: string, key: LockKey): Held | null {
    const text = JSON.stringify({ pid: process.pid, boot: BOOT, job, what: key.what, key: key.key } satisfies LockFile);
    // A stale lock is removed and the lock made again; one that cannot be removed (a
    // folder in its place, a file this user may not read) would be tried for ever.
    for (let tries = 0; ; tries++) {
      if (made(file, text)) return null;
      const holder = this.holder(file);
      if (holder !== null) return holder.job === job ? null : { job: holder.pid === BEING_MADE ? null : holder.job, what: key.what };
      if (tries >= STALE_TRIES) throw new Error(`the lock ${file} for ${key.what} is damaged and cannot be removed: remove it by hand`);
    }
  }

  /** The files live jobs hold (any process's, but not job `except`'s), as each job's plan names them. */
  heldFiles(except?: string): string[] {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return [];
    }
    const held = names.filter((name) => name.endsWith('.lock')).map((name) => this.holder(join(this.folder, name)));
    return held.flatMap((lock) => (lock?.key?.startsWith('file ') && lock.job !== except ? [lock.what] : []));
  }

  release(job: string, keys: readonly LockKey[]): void {
    for (const key of keys) {
      const file = this.fileOf(key);
      const text = lockText(file);
      let lock: LockFile | null = null;
      try {
        lock = text === null ? null : (JSON.parse(text) as LockFile);
      } catch {
        // damaged: not this job's to let go
      }
      if (lock?.job === job && lock.pid === process.pid) removeLock(file);
    }
  }
}
