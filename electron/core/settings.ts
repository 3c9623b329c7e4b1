import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Language } from '../../shared/contract.js';
import { errorMessage } from '../../shared/format.js';
import { say, type Said } from '../../shared/messages/problems.js';
import { errnoValues } from './images/read.js';
import { Refusal } from './refusal.js';

/**
 * What Snaptree remembers across restarts: each setting a list, read entry by entry.
 * The validators' `error` is a code of problems:settings.issue, which names what is wrong.
 */
const ENTRIES = {
  watchedFolders: z.string({ error: 'notText' }),
  /** libvirt URIs the user added; the default URI is always shown as well. */
  connections: z.string({ error: 'notText' }),
};
type Key = keyof typeof ENTRIES;

const ISSUES = new Set(['notText', 'notLanguage']);
/** The code of problems:settings.issue a validator gave; zod's own messages are 'other'. */
function issueCode(message: string | undefined): string {
  return message !== undefined && ISSUES.has(message) ? message : 'other';
}
/** Settings of one value each, absent until set. */
const VALUES = {
  /** The window's language, once the user picked one; until then it follows the system. */
  language: Language,
};
type ValueKey = keyof typeof VALUES;
export type Settings = { [K in Key]: z.infer<(typeof ENTRIES)[K]>[] } & { [K in ValueKey]?: z.infer<(typeof VALUES)[K]> };

/** What a read of the file gave, and what it held that could not be taken. */
export interface SettingsRead {
  readonly settings: Settings;
  /** Said for the user: entries left out, a file that cannot be read or was set aside. */
  readonly problems: Said[];
}

/** One read of the file, with what a save needs to lose nothing of it. */
interface FileRead extends SettingsRead {
  /** Keys this version does not know (a newer Snaptree's): written back as they were. */
  readonly otherKeys: Readonly<Record<string, unknown>>;
  /** Why the file, there but unreadable, must not be written over; null when it may be. */
  readonly keep: Keep | null;
  /** Entries were left out: a save first keeps the file as it was. */
  readonly leftOut: boolean;
}

/** Why a file there must not be written over: a sentence of settings.kept and settings.notSaved. */
interface Keep {
  readonly why: 'unreadable' | 'folder' | 'notSetAside';
  readonly values: Readonly<Record<string, string>>;
}

/** Why a file is not valid settings: settings.invalid's code, and JSON.parse's words when it has them. */
interface Invalid {
  readonly why: 'json' | 'notAnObject';
  readonly error?: string;
}

/** `$XDG_CONFIG_HOME/snaptree`, else `~/.config/snaptree`: shared by the window, serve and the CLI. */
export function defaultConfigDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'snaptree');
}

const noSettings = (): Settings => ({ watchedFolders: [], connections: [] });

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}


/** An entry as the message shows it: short, whatever it holds. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Writes a new file and renames it over the old one: a crash leaves one or the other,
 * whole. A write or rename that fails takes its temporary file with it.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export class SettingsFile {
  private readonly path: string;
  /** What this session set aside: said until it ends, since the file no longer shows it. */
  private readonly setAside: Said[] = [];

  constructor(readonly dir: string) {
    this.path = join(dir, 'settings.json');
  }

  /**
   * Reads one at a time within this process: two at once of a corrupt file (the core's
   * first read and a request's) both set it aside, the loser gave back its backup name,
   * and the next corruption took that lower number: the backups were numbered out of order.
   */
  private turn: Promise<unknown> = Promise.resolve();
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** The saved settings, every entry that can be read, and what could not be. */
  async read(): Promise<SettingsRead> {
    const { settings, problems } = await this.inTurn(() => this.readFile());
    return { settings, problems };
  }

  /**
   * Saves a change to the settings as the file holds them now. Keys it does not know are
   * written back as they were; a file with entries left out is kept under a backup name
   * first; a file that cannot be read is never written over: the change is refused.
   */
  async update(change: Partial<Settings>): Promise<Settings> {
    const current = await this.inTurn(() => this.readFile());
    if (current.keep !== null) {
      throw new Refusal(say(`settings.notSaved.${current.keep.why}`, current.keep.values));
    }
    const settings = { ...current.settings, ...change };
    try {
      if (current.leftOut) await this.keepCopy();
      await mkdir(this.dir, { recursive: true });
      await writeAtomically(this.path, `${JSON.stringify({ ...settings, ...current.otherKeys }, null, 2)}\n`);
    } catch (error) {
      throw new Refusal(say('settings.notSaved.unwritable', { path: this.path, ...errnoValues(error) }));
    }
    return settings;
  }

  /** The file as it was, before a save drops the entries it held that could not be read. */
  private async keepCopy(): Promise<void> {
    const backup = await this.backupName('before-save');
    try {
      await copyFile(this.path, backup);
    } catch (error) {
      await rm(backup, { force: true });
      throw error;
    }
    this.setAside.push(say('settings.keptBeforeSave', { path: this.path, backup }));
  }

  private async readFile(): Promise<FileRead> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return this.fresh();
      // The system's codes are named as for images; a folder in its place is this file's own sentence.
      if (errorCode(error) === 'EISDIR') return this.kept({ why: 'folder', values: { path: this.path } });
      return this.kept({ why: 'unreadable', values: { path: this.path, ...errnoValues(error) } });
    }
    let json: unknown;
    try {
      // A byte order mark (an editor's) is not bad settings: JSON.parse would refuse it.
      json = JSON.parse(text.replace(/^\ufeff/, ''));
    } catch (error) {
      return this.setAsideCorrupt({ why: 'json', error: errorMessage(error) });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return this.setAsideCorrupt({ why: 'notAnObject' });
    return this.takeEntries(json as Record<string, unknown>);
  }

  /** Every valid entry of every known key; the rest is named, and unknown keys kept apart. */
  private takeEntries(json: Record<string, unknown>): FileRead {
    const settings = noSettings();
    const problems = [...this.setAside];
    const otherKeys: [string, unknown][] = [];
    let leftOut = false;
    for (const [key, value] of Object.entries(json)) {
      if (Object.hasOwn(VALUES, key)) {
        const parsed = VALUES[key as ValueKey].safeParse(value);
        if (parsed.success) {
          settings[key as ValueKey] = parsed.data;
        } else {
          problems.push(say('settings.leftOut.value', { path: this.path, setting: key, value: shown(value), issue: issueCode(parsed.error.issues[0]?.message) }));
          leftOut = true;
        }
        continue;
      }
      if (!Object.hasOwn(ENTRIES, key)) {
        otherKeys.push([key, value]);
        continue;
      }
      if (!Array.isArray(value)) {
        problems.push(say('settings.leftOut.notAList', { path: this.path, setting: key, value: shown(value) }));
        leftOut = true;
        continue;
      }
      value.forEach((entry: unknown, index) => {
        const parsed = ENTRIES[key as Key].safeParse(entry);
        if (parsed.success) {
          settings[key as Key].push(parsed.data);
        } else {
          problems.push(say('settings.leftOut.entry', { path: this.path, setting: key, number: index + 1, value: shown(entry), issue: issueCode(parsed.error.issues[0]?.message) }));
          leftOut = true;
        }
      });
    }
    // fromEntries, not assignment: a key named __proto__ stays a key.
    return { settings, problems, otherKeys: Object.fromEntries(otherKeys), keep: null, leftOut };
  }

  /** A file that does not parse is renamed to a backup of its own, and Snaptree starts afresh. */
  private async setAsideCorrupt(invalid: Invalid): Promise<FileRead> {
    const why = { why: invalid.why, error: invalid.error ?? '' };
    let backup: string | null = null;
    try {
      backup = await this.backupName('unreadable');
      await rename(this.path, backup);
    } catch (error) {
      if (backup !== null) await rm(backup, { force: true });
      // Another read of this process, or another Snaptree, set it aside first: read what is there now.
      if (errorCode(error) === 'ENOENT') return this.readFile();
      return this.kept({ why: 'notSetAside', values: { path: this.path, ...why, ...errnoValues(error) } });
    }
    this.setAside.push(say('settings.setAside', { path: this.path, ...why, backup }));
    return this.readFile();
  }

  /** No file: the defaults, and what this session set aside. */
  private fresh(): FileRead {
    return { settings: noSettings(), otherKeys: {}, keep: null, leftOut: false, problems: [...this.setAside] };
  }

  /** A file there that must not be written over: the defaults for now, and no save. */
  private kept(keep: Keep): FileRead {
    return { ...this.fresh(), keep, problems: [...this.setAside, say(`settings.kept.${keep.why}`, keep.values)] };
  }

  /**
   * A backup name no earlier backup has (settings.json.unreadable-1, -2, …), reserved by
   * creating it empty: two Snaptree processes never pick the same one.
   */
  private async backupName(label: string): Promise<string> {
    for (let number = 1; ; number++) {
      const backup = `${this.path}.${label}-${number}`;
      try {
        await writeFile(backup, '', { flag: 'wx' });
        return backup;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
    }
  }
}
