/**
 * What a job holds while it runs: one lock per file and per domain. The window, `serve`
 * and the CLI are separate processes sharing the journal folder, so a lock is a file in
 * `<journal>/locks/`, made exclusively (it fails where one exists) and holding the pid and job id. A lock whose pid is
 * no longer alive (a crash, kill -9) is stale and taken over.
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
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
  readonly job: string;
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

function removeLock(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already: another process took the stale lock over, or let its own go
  }
}

/**
 * Locks are a few bytes each in the state folder, taken and let go with synchronous calls:
 * each costs microseconds, where a trip through the thread pool costs a tenth of a
 * millisecond, and a job on a long chain holds a lock per layer (three calls each, in order):
 * a snapshot of a domain with fifteen layers spent 4 ms taking its locks and as much letting
 * them go, most of a job's own cost.
 */
/** How often a stale lock is taken over before one that will not go is said to be stuck. */
const STALE_TRIES = 3;

export class Locks {
  private readonly folder: string;

  /** `ours`: the ids of the jobs this process runs, to tell its own live locks from a dead job's. */
  constructor(
    journalDir: string,
    private readonly ours: (job: string) => boolean,
  ) {
    this.folder = join(journalDir, 'locks');
  }

  private fileOf(key: LockKey): string {
    // Hashed: a path is longer than a file name may be, and holds slashes.
    return join(this.folder, `${createHash('sha256').update(key.key).digest('hex').slice(0, 32)}.lock`);
  }

  /** Who holds the lock now, or null when it is free or stale (a stale one is removed). */
  private holder(file: string): LockFile | null {
    // One that cannot be read is taken as damaged.
    const text = lockText(file, '');
    if (text === null) return null;
    let lock: LockFile;
    try {
      lock = JSON.parse(text) as LockFile;
    } catch {
      // Locks are linked whole into place: one that does not parse was damaged, and nothing holds it.
      lock = { pid: 0, job: '', what: '' };
    }
    // No pid (a damaged lock): kill(0) would ask about this process's own group, which lives.
    const stale = !Number.isInteger(lock.pid) || lock.pid <= 0 ? true : lock.boot !== undefined && lock.boot !== BOOT ? true : lock.pid === process.pid ? !this.ours(lock.job) : !isAlive(lock.pid);
    if (!stale) return lock;
    // Read once more just before the unlink: another process that took the stale lock
    // over a moment ago has linked a new one, which must stay.
    if (lockText(file) === text) removeLock(file);
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
    // Written whole under a name of its own, then linked to the lock's name: link(2) fails
    // if the name exists, as O_EXCL does, and no reader ever sees a half-written lock.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, JSON.stringify({ pid: process.pid, boot: BOOT, job, what: key.what, key: key.key } satisfies LockFile), { flag: 'wx' });
    try {
      // A stale lock is removed and the link tried again; one that cannot be removed (a
      // folder in its place, a file this user may not read) would be tried for ever.
      for (let tries = 0; ; tries++) {
        try {
          linkSync(draft, file);
          return null;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const holder = this.holder(file);
        if (holder !== null) return holder.job === job ? null : { job: holder.job, what: key.what };
        if (tries >= STALE_TRIES) throw new Error(`the lock ${file} for ${key.what} is damaged and cannot be removed: remove it by hand`);
      }
    } finally {
      unlinkSync(draft);
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
