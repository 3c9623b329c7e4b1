import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FoundFile {
  readonly path: string;
  readonly folder: string;
}

/**
 * Every regular file under a folder, recursively. Symlinks are followed; a link that
 * leads back into a folder already walked is a loop and is walked no further.
 */
export async function walkFolder(folder: string): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const walked = new Set<string>();

  async function walk(dir: string): Promise<void> {
    const real = await realpath(dir).catch(() => null);
    if (real === null || walked.has(real)) return;
    walked.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) subdirs.push(path);
      else if (entry.isFile()) found.push({ path, folder });
      else if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => null);
        if (target?.isDirectory()) subdirs.push(path);
        else if (target?.isFile()) found.push({ path, folder });
      }
    }
    for (const subdir of subdirs) await walk(subdir);
  }

  await walk(folder);
  return found;
}
