/**
 * The trash: files a job made unused (or half made, then cancelled) renamed into
 * `.snaptree-trash/<job id>/` beside where they were. A rename on the same file system:
 * instant, no copy, and undone by renaming back. Only emptying the trash deletes.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TRASH_FOLDER, type TrashEntry } from '../../../shared/jobs/model.js';
import { say } from '../../../shared/messages/problems.js';
import { fsPath } from '../images/fs-path.js';
import { Refusal } from '../refusal.js';


/** Where a file of a job goes in the trash: beside it, in the job's own folder. */
export function trashPathOf(path: string, job: string): string {
  return join(dirname(path), TRASH_FOLDER, job, basename(path));
}

/** Anything at the path, even a dangling link: a job never renames over it. */
export async function standsAt(path: string): Promise<boolean> {
  try {
    await lstat(fsPath(path));
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** A rename is durable once the folders that lost and gained the name are on disk. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(fsPath(folder), constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames `from` to `to`, never over anything, and makes both folders durable. */
async function move(from: string, to: string): Promise<void> {
  // rename(2) replaces a file silently; the check just before is as near as Node lets us get to RENAME_NOREPLACE.
  if (await standsAt(to)) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
  await rename(fsPath(from), fsPath(to));
  await syncFolder(dirname(to));
  if (dirname(to) !== dirname(from)) await syncFolder(dirname(from));
}

/** Moves a file into its job's trash folder; returns where it now is. */
export async function moveToTrash(path: string, job: string): Promise<string> {
  const trashed = trashPathOf(path, job);
  await mkdir(fsPath(dirname(trashed)), { recursive: true });
  // A `.snaptree-trash` that is a link would take the file out of its folder (onto another
  // file system: EXDEV, and rename(2) never copies), where emptying the trash refuses to reach.
  if (!(await isJobTrashFolder(dirname(trashed)))) throw Object.assign(new Error(`${dirname(trashed)} is not a folder of its own (a link?)`), { code: 'ENOTDIR' });
  await move(path, trashed);
  return trashed;
}

/** The trash entry of a file of a job, if it is in the trash now. */
export async function trashEntryOf(path: string, job: string): Promise<TrashEntry | null> {
  const trashed = trashPathOf(path, job);
  try {
    const stats = await lstat(fsPath(trashed));
    // ctime: the rename into the trash changed it; mtime is the file's own.
    return { job, path, trashed, bytes: stats.blocks * 512, at: stats.ctime.toISOString() };
  } catch {
    return null;
  }
}

/** Puts a job's trashed files back, all or none: refused where anything stands at an original path. */
export async function restoreEntries(entries: readonly TrashEntry[]): Promise<void> {
  for (const entry of entries) {
    if (await standsAt(entry.path)) throw new Refusal(say('jobs.refused.restoreOccupied', { path: entry.path }));
  }
  for (const entry of entries) {
    await move(entry.trashed, entry.path);
    await removeEmptyTrashFolders(dirname(entry.trashed));
  }
}

/** The job's folder and `.snaptree-trash` itself, once nothing is left in them. */
async function removeEmptyTrashFolders(jobFolder: string): Promise<void> {
  for (const folder of [jobFolder, dirname(jobFolder)]) {
    try {
      await rmdir(fsPath(folder));
    } catch (error) {
      // Not empty: it holds another file or another job's folder. Gone already: go on up.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
    }
  }
}

/** A job's trash folder, `…/.snaptree-trash/<id>`, and nothing else, as a real folder (not a link). */
export async function isJobTrashFolder(folder: string): Promise<boolean> {
  const id = basename(folder);
  if (basename(dirname(folder)) !== TRASH_FOLDER || !/^[\w-]+$/.test(id)) return false;
  const stats = await lstat(fsPath(folder)).catch(() => null);
  const parent = await lstat(fsPath(dirname(folder))).catch(() => null);
  return stats !== null && stats.isDirectory() && parent !== null && parent.isDirectory();
}

/** Empties one job's trash folder for good: refused for any folder that is not one. */
export async function purgeJobTrash(folder: string): Promise<void> {
  if (!(await isJobTrashFolder(folder))) throw new Refusal(say('jobs.step.purgeRefused', { folder }));
  await rm(fsPath(folder), { recursive: true });
  await removeEmptyTrashFolders(folder);
}
