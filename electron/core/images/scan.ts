import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hasProtocol, resolveBackingPath } from '../../../shared/images/backing.js';
import { backingNameOf, buildForest, type FallbackInfo, type ScannedFile } from '../../../shared/images/forest.js';
import { looksLikeImage } from '../../../shared/images/magic.js';
import type { Forest, Problem } from '../../../shared/images/model.js';
import type { Host } from '../host/host.js';
import { HostCommandError } from '../host/host.js';
import { qemuImgInfo } from '../qemu-img/info.js';
import { readImage, type ReadImage } from './read.js';
import { walkFolder } from './walk.js';

/** Files read between two yields to the event loop, so that the core stays responsive. */
const BATCH = 512;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `fn` on every item, synchronously in batches, yielding between them. */
async function inBatches<T>(items: readonly T[], fn: (item: T) => void): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) {
    for (const item of items.slice(start, start + BATCH)) fn(item);
    await yieldToEventLoop();
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The identity of an image file or block device at a path, or null when there is none. */
function identityOf(path: string): string | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() || stats?.isBlockDevice() ? `${stats.dev}:${stats.ino}` : null;
}

/** A file read but not yet linked; qemu-img's details may still be added. */
type Pending = Omit<ScannedFile, 'backingIdentity' | 'dataFileExists' | 'fallback' | 'readProblems'> & {
  fallback: FallbackInfo | null;
  readProblems: Problem[];
};

/**
 * Scans watched folders (or single image files), and `extraFiles` wherever they are,
 * and builds their forest. Headers are read natively,
 * one small read per file with bounded concurrency; qemu-img runs only for formats
 * Snaptree does not decode. Backing files outside the folders are read too, so that
 * every chain is complete.
 */
export async function scanPaths(host: Host, folders: readonly string[], extraFiles: readonly string[] = []): Promise<Forest> {
  const errors: Forest['errors'] = [];
  const pending = new Map<string, Pending>();
  const qemuImg = await host.findProgram('qemu-img');

  function add(path: string, folder: string | null, requireImageLike: boolean): void {
    const outcome = readImage(path);
    if (outcome.kind === 'gone') return;
    if (outcome.kind === 'unreadable') {
      const identity = outcome.identity ?? `unreadable:${path}`;
      if (pending.has(identity)) return;
      pending.set(identity, {
        path, identity, folder, fileSize: 0, actualSize: 0, format: 'raw', qcow2: null, snapshots: [], readProblems: [outcome.problem], fallback: null,
      });
      return;
    }
    const image: ReadImage = outcome.image;
    if (requireImageLike && !looksLikeImage(path, image.format)) return;
    // The same file reached twice (a symlink and its target) is one image.
    if (pending.has(image.identity)) return;
    pending.set(image.identity, { ...image, path, folder, fallback: null });
  }

  for (const folder of folders) {
    const stats = await stat(folder).catch((error: NodeJS.ErrnoException) => error);
    if (stats instanceof Error) {
      errors.push({ path: folder, message: stats.code === 'ENOENT' ? 'This path does not exist.' : `This path cannot be read (${stats.code}).` });
      continue;
    }
    if (stats.isFile()) {
      add(folder, dirname(folder), false);
      continue;
    }
    await inBatches(await walkFolder(folder), (file) => add(file.path, file.folder, true));
  }

  // Images that must be in the forest wherever they are (the disks of libvirt domains).
  // Only absolute paths: a network disk's `pool/volume` must not match a local file.
  await inBatches(extraFiles, (path) => {
    if (path.startsWith('/') && identityOf(path) !== null) add(path, null, false);
  });

  // Details of formats we do not decode, from qemu-img itself.
  const foreign = [...pending.values()].filter((file) => file.format !== 'qcow2' && file.format !== 'raw' && file.readProblems.length === 0);
  await mapLimit(foreign, 4, async (file) => {
    if (qemuImg === null) return;
    file.fallback = await qemuImgInfo(host, qemuImg, file.path, file.format).catch((error: unknown) => {
      const detail = error instanceof HostCommandError ? error.stderr.trim() || error.message : String(error);
      file.readProblems.push({ code: 'unreadable', message: `qemu-img could not read it: ${detail}` });
      return null;
    });
  });

  // Follow backing names until every chain is complete, reading files outside the folders.
  // A backing path that is a path already read needs no stat: it is that file.
  const identityByPath = new Map([...pending.values()].map((file) => [file.path, file.identity]));
  const backingIdentity = new Map<string, string | null>();
  for (let round = [...pending.values()]; round.length > 0; ) {
    const before = new Set(pending.keys());
    await inBatches(round, (file) => {
      const name = backingNameOf(file);
      if (name === null || hasProtocol(name)) return;
      const path = resolveBackingPath(file.path, name);
      const identity = identityByPath.get(path) ?? identityOf(path);
      backingIdentity.set(file.identity, identity);
      if (identity !== null && !pending.has(identity)) add(resolve(path), null, false);
    });
    round = [...pending.values()].filter((file) => !before.has(file.identity));
  }

  const scanned = [...pending.values()].map((file): ScannedFile => {
    const dataFile = file.qcow2?.dataFile ?? null;
    const dataFileExists = dataFile === null ? null : identityOf(resolve(dirname(file.path), dataFile)) !== null;
    return { ...file, backingIdentity: backingIdentity.get(file.identity) ?? null, dataFileExists };
  });
  scanned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { images: buildForest(scanned), errors, scannedAt: new Date().toISOString() };
}
