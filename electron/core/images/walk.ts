import { readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type { Forest } from '../../../shared/images/model.js';
import { TRASH_FOLDER } from '../../../shared/jobs/model.js';
import { decodePathBytes } from '../../../shared/images/path-bytes.js';
import { say } from '../../../shared/messages/problems.js';
import type { Values } from '../../../shared/messages/say.js';
import { fsPath } from './fs-path.js';
import { errnoValues, fileKind } from './read.js';

export interface FoundFile {
  readonly path: string;
  readonly folder: string;
}

export interface Walk {
  readonly files: FoundFile[];
  /** Subfolders that could not be read: their images are missing from `files`. */
  readonly errors: Forest['errors'];
  /** Entries that are not image files or folders, or links that lead nowhere, and why. */
  readonly skipped: Forest['skipped'];
}

/** Why an entry is skipped: the key and values for the window, and the English (`reason`) for the CLI and the JSON. */
export function skippedBecause(key: string, values: Values = {}): Omit<Forest['skipped'][number], 'path'> {
  const { message, ...said } = say(key, values);
  return { reason: message, ...said };
}

/** Why a symbolic link whose target could not be stat'ed is skipped. */
function brokenLink(error: NodeJS.ErrnoException): Omit<Forest['skipped'][number], 'path'> {
  if (error.code === 'ENOENT') return skippedBecause('image.skipped.danglingLink');
  if (error.code === 'ELOOP') return skippedBecause('image.skipped.linkLoop');
  return skippedBecause('image.skipped.linkUnreachable', errnoValues(error));
}

/**
 * Every regular file and block device under a folder, recursively. Symlinks are
 * followed; a link that leads back into a folder already walked is a loop and is walked
 * no further. Names are read as bytes, so that one that is not UTF-8 is kept
 * (shared/images/path-bytes.ts), and every path is given to the system as bytes.
 */
export async function walkFolder(folder: string): Promise<Walk> {
  const files: FoundFile[] = [];
  const errors: Forest['errors'] = [];
  const skipped: Forest['skipped'] = [];

  /** A folder gone since it was listed has nothing to show; any other failure hides images. */
  const unreadable = (dir: string) => (error: NodeJS.ErrnoException): null => {
    if (error.code !== 'ENOENT') errors.push({ path: dir, ...say('image.watchedPath.folderUnreadable', errnoValues(error)) });
    return null;
  };

  /** Sorts one entry, by what it is or (for a link) what it leads to. */
  const sort = (path: string, stats: Stats, subdirs: string[], key: 'image.skipped.notAFile' | 'image.skipped.linkNotAFile'): void => {
    const kind = fileKind(stats);
    if (stats.isDirectory()) subdirs.push(path);
    else if (kind === null) files.push({ path, folder });
    else skipped.push({ path, ...skippedBecause(key, { kind }) });
  };

  const walked = new Map<string, string>();
  async function walk(dir: string): Promise<void> {
    const real = await realpath(fsPath(dir), 'buffer').catch(unreadable(dir));
    if (real === null) return;
    const first = walked.get(real.toString('latin1'));
    if (first !== undefined) {
      skipped.push({ path: dir, ...skippedBecause('image.skipped.folderAgain', { first }) });
      return;
    }
    walked.set(real.toString('latin1'), dir);
    const entries = await readdir(fsPath(dir), { withFileTypes: true, encoding: 'buffer' }).catch(unreadable(dir));
    if (entries === null) return;
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = join(dir, decodePathBytes(entry.name));
      // What jobs moved to the trash is listed in the Trash tab, not drawn as images of the forest.
      if (entry.isDirectory()) {
        if (decodePathBytes(entry.name) !== TRASH_FOLDER) subdirs.push(path);
      } else if (entry.isFile() || entry.isBlockDevice()) files.push({ path, folder });
      else if (entry.isSymbolicLink()) {
        const target = await stat(fsPath(path)).catch((error: NodeJS.ErrnoException) => error);
        if (target instanceof Error) skipped.push({ path, ...brokenLink(target) });
        else sort(path, target, subdirs, 'image.skipped.linkNotAFile');
      } else {
        const stats = await stat(fsPath(path)).catch(() => null);
        if (stats !== null) sort(path, stats, subdirs, 'image.skipped.notAFile');
      }
    }
    for (const subdir of subdirs) await walk(subdir);
  }

  await walk(folder);
  return { files, errors, skipped };
}
