import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Forest } from '../../../shared/images/model.js';
import { osReason } from './read.js';

export interface FoundFile {
  readonly path: string;
  readonly folder: string;
}

export interface Walk {
  readonly files: FoundFile[];
  /** Subfolders that could not be read: their images are missing from `files`. */
  readonly errors: Forest['errors'];
}

/**
 * Every regular file under a folder, recursively. Symlinks are followed; a link that
 * leads back into a folder already walked is a loop and is walked no further.
 */
export async function walkFolder(folder: string): Promise<Walk> {
  const files: FoundFile[] = [];
  const errors: Forest['errors'] = [];

  /** A folder gone since it was listed has nothing to show; any other failure hides images. */
  const unreadable = (dir: string) => (error: NodeJS.ErrnoException): null => {
    if (error.code !== 'ENOENT') errors.push({ path: dir, message: `This folder cannot be read: ${osReason(error)}. Its images are not shown.` });
    return null;
  };

  const walked = new Set<string>();
  async function walk(dir: string): Promise<void> {
    const real = await realpath(dir).catch(unreadable(dir));
    if (real === null || walked.has(real)) return;
    walked.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(unreadable(dir));
    if (entries === null) return;
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) subdirs.push(path);
      else if (entry.isFile()) files.push({ path, folder });
      else if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => null);
        if (target?.isDirectory()) subdirs.push(path);
        else if (target?.isFile()) files.push({ path, folder });
      }
    }
    for (const subdir of subdirs) await walk(subdir);
  }

  await walk(folder);
  return { files, errors };
}
