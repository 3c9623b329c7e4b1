/**
 * The journal: one JSON record per job in the user's state folder, written whole (a
 * temporary file, fsync, rename, fsync of the folder) before and after every step and at
 * every change of state, so that a crash or kill -9 leaves the last record intact.
 */
import { constants, mkdirSync, watch as fsWatch } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Job } from '../../../shared/jobs/model.js';
import { errorMessage } from '../../../shared/format.js';
import { mapLimit } from '../map-limit.js';

/**
 * A job as journaled: with the pid of the process that runs it and the machine's boot it
 * runs in, to tell a dead one's job (after a power cut, the pid may be another process's).
 */
export const JournalRecord = Job.extend({ pid: z.number(), boot: z.string().optional() });
export type JournalRecord = z.infer<typeof JournalRecord>;

/** The job a record holds, as front ends see it: without the process that ran it. */
export function withoutProcess(record: JournalRecord): Job {
  const { pid, boot, ...job } = record;
  void pid;
  void boot;
  return job;
}

/** A journal file that would not read or parse: reported, and kept as it is for a person to look at. */
export interface UnreadableRecord {
  readonly file: string;
  readonly detail: string;
}

const RECORD = /^([\w-]+)\.json$/;
/** Records read at the same time: enough to keep the disk busy, few next to the file descriptor limit. */
export const READ_AT_ONCE = 32;

export class Journal {
  /** Each job's last write: a job's writes go one after another, in the order asked. */
  private readonly writing = new Map<string, Promise<void>>();
  /**
   * Records as last parsed, by file name, with the file they came from: every plan (the
   * trash it may empty) and every refetch of the jobs list reads the journal, and parsing
   * hundreds of whole plans each time would outgrow the planning budget as history grows.
   * A record is rewritten by a rename, so a new inode, size or mtime means read it again.
   */
  private readonly parsed = new Map<string, { readonly stamp: string; readonly record: JournalRecord }>();

  constructor(readonly folder: string) {}

  /**
   * Calls `written` with the id of each record as it is written into place, by this process
   * or another (the CLI's jobs in the window): a watch on the folder, made if need be. Never
   * keeps the process alive; where the folder cannot be watched, nothing is told (the jobs
   * list still reads every record).
   */
  watch(written: (id: string) => void): { close(): void } {
    try {
      mkdirSync(this.folder, { recursive: true });
      const watcher = fsWatch(this.folder, (_, name) => {
        const id = name === null ? null : RECORD.exec(String(name))?.[1];
        if (id) written(id);
      });
      watcher.on('error', () => watcher.close());
      watcher.unref();
      return watcher;
    } catch {
      return { close: () => undefined };
    }
  }

  /** One record as it is now, or null where it is not there or does not parse. */
  async read(id: string): Promise<JournalRecord | null> {
    return this.recordIn(`${id}.json`).catch(() => null);
  }

  /** The record in a file of the folder, parsed again only if the file is another since. */
  private async recordIn(name: string): Promise<JournalRecord> {
    const file = join(this.folder, name);
    try {
      const stats = await stat(file, { bigint: true });
      const stamp = `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
      const known = this.parsed.get(name);
      if (known?.stamp === stamp) return known.record;
      const record = JournalRecord.parse(JSON.parse(await readFile(file, 'utf8')));
      this.parsed.set(name, { stamp, record });
      return record;
    } catch (error) {
      this.parsed.delete(name);
      throw error;
    }
  }

  /**
   * One after another per job: two at once would share the draft's name, the second
   * truncating the first's draft as it is written and then finding it renamed away.
   * The record is copied now: what is written is the record as it was when asked.
   */
  write(record: JournalRecord): Promise<void> {
    const text = JSON.stringify(record, null, 1);
    return this.inTurn(record.id, () => this.writeNow(record.id, text));
  }

  /**
   * Takes a record back, after the writes asked before: a job whose start was refused once
   * its record was on its way to the disk (its plan changed) is no job of the journal's.
   */
  remove(id: string): Promise<void> {
    return this.inTurn(id, async () => {
      await unlink(join(this.folder, `${id}.json`)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await this.syncFolder();
    });
  }

  /** Runs a change of a job's record once the ones asked before it have ended. */
  private inTurn(id: string, change: () => Promise<void>): Promise<void> {
    const done = (this.writing.get(id) ?? Promise.resolve()).catch(() => undefined).then(change);
    this.writing.set(id, done);
    void done.finally(() => {
      if (this.writing.get(id) === done) this.writing.delete(id);
    }).catch(() => undefined);
    return done;
  }

  private async writeNow(id: string, text: string): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const file = join(this.folder, `${id}.json`);
    const draft = `${file}.tmp-${process.pid}`;
    const handle = await open(draft, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(draft, file);
    await this.syncFolder();
  }

  /** A name made, renamed or removed in the folder is durable once the folder is. */
  private async syncFolder(): Promise<void> {
    const folder = await open(this.folder, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }

  async readAll(): Promise<{ records: JournalRecord[]; unreadable: UnreadableRecord[] }> {
    const names = await readdir(this.folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const present = names.filter((candidate) => RECORD.test(candidate));
    const kept = new Set(present);
    for (const name of this.parsed.keys()) if (!kept.has(name)) this.parsed.delete(name);
    // Many at once: every plan asks for the trash, and a journal of hundreds of jobs read one
    // stat after another would cost each plan tens of milliseconds; not all at once, which
    // would run out of file descriptors on a long journal's first read.
    const read = await mapLimit(
      present,
      READ_AT_ONCE,
      async (name): Promise<{ record: JournalRecord } | { unreadable: UnreadableRecord }> => {
        try {
          return { record: await this.recordIn(name) };
        } catch (error) {
          return { unreadable: { file: join(this.folder, name), detail: error instanceof z.ZodError ? z.prettifyError(error).replaceAll('\n', ' ') : errorMessage(error) } };
        }
      },
    );
    return { records: read.flatMap((one) => ('record' in one ? [one.record] : [])), unreadable: read.flatMap((one) => ('unreadable' in one ? [one.unreadable] : [])) };
  }
}
