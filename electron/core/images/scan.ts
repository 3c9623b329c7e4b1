import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hasProtocol, resolveBackingPath } from '../../../shared/images/backing.js';
import { backingNameInexact, backingNameOf, buildForest, type FallbackInfo, type ScannedFile } from '../../../shared/images/forest.js';
import { looksLikeImage } from '../../../shared/images/magic.js';
import type { Forest, Image, Problem, ProblemCode } from '../../../shared/images/model.js';
import { hasEscapedBytes } from '../../../shared/images/path-bytes.js';
import { say } from '../../../shared/messages/problems.js';
import type { Host } from '../host/host.js';
import { HostCommandError } from '../host/host.js';
import { mapLimit } from '../map-limit.js';
import { qemuImgInfo } from '../qemu-img/info.js';
import { extentProblems } from './extents.js';
import { fsPath } from './fs-path.js';
import { errnoValues, fileKind, readImage, type FileKind, type ReadImage } from './read.js';
import { skippedBecause, walkFolder } from './walk.js';

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

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** What a path leads to: an image file's or block device's identity, or null and why not. */
interface Lookup {
  readonly identity: string | null;
  /** The system's reason (errnoValues) when the path could not be followed at all; null when nothing is there. */
  readonly refused: ReturnType<typeof errnoValues> | null;
  /** What is there when it is no image file: "fifo", "folder" … */
  readonly notAFile: FileKind | null;
}

/**
 * Never throws: a header may name any path (`../notes.txt/base.qcow2`), and one odd name
 * must cost its image a problem, not the whole scan.
 */
function lookUp(path: string): Lookup {
  try {
    const stats = statSync(fsPath(path), { throwIfNoEntry: false });
    if (stats === undefined) return { identity: null, refused: null, notAFile: null };
    const notAFile = fileKind(stats);
    return { identity: notAFile === null ? `${stats.dev}:${stats.ino}` : null, refused: null, notAFile };
  } catch (error) {
    return { identity: null, refused: errnoValues(error), notAFile: null };
  }
}

/**
 * The forest says a missing backing or data file "does not exist"; where the system gave
 * another reason (ENOTDIR, EACCES, ELOOP, a FIFO there …), the image's problem says that
 * reason instead: each better problem replaces the forest's problem of the code it is kept under.
 */
type Reasons = Map<string, Map<ProblemCode, Problem>>;
function withReasons(images: Image[], reasons: Reasons): Image[] {
  return images.map((image) => {
    const better = reasons.get(image.path);
    if (better === undefined) return image;
    return { ...image, problems: image.problems.map((problem) => better.get(problem.code) ?? problem) };
  });
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
  const skipped: Forest['skipped'] = [];
  const pending = new Map<string, Pending>();
  // Unreadable files of the folders whose names say no disk image: skipped, unless an
  // image names one as its backing file, which it then is (by the path and folder it was listed under).
  /** Unreadable files held back from `skipped` until the end, by identity: one may be reached as a backing file. */
  const unreadableSkipped = new Map<string, { folder: string | null } & Forest['skipped'][number]>();

  /**
   * The other paths each file was reached by. QEMU joins a relative backing name to the
   * folder of the path it opened the image by, symlinks and all: by another path, the
   * same file may stand on another backing file.
   */
  const aliases = new Map<string, Set<string>>();
  const alias = (identity: string, path: string): void => {
    if (pending.get(identity)?.path !== path) aliases.set(identity, (aliases.get(identity) ?? new Set()).add(path));
  };

  function add(path: string, folder: string | null, requireImageLike: boolean): void {
    const outcome = readImage(path);
    if (outcome.kind === 'gone') return;
    if (outcome.kind === 'not-a-file') {
      // Replaced since it was listed (a backing path is looked up first, and says so).
      skipped.push({ path, ...skippedBecause('image.skipped.notAFile', { kind: outcome.what }) });
      return;
    }
    if (outcome.kind === 'unreadable') {
      // Nothing tells whether it is an image but its name: one that says none stays out, named.
      const identity = outcome.identity ?? `unreadable:${path}`;
      if (requireImageLike && !looksLikeImage(path, 'raw')) {
        unreadableSkipped.set(identity, { path, folder, ...skippedBecause('image.skipped.unreadable', { ...outcome.problem.values, problem: outcome.problem.key }) });
        return;
      }
      if (pending.has(identity)) return;
      const listed = unreadableSkipped.get(identity) ?? { path, folder };
      const { fileSize, actualSize, problem } = outcome;
      pending.set(identity, { path: listed.path, identity, folder: listed.folder, fileSize, actualSize, format: 'unknown', qcow2: null, snapshots: [], readProblems: [problem], fallback: null });
      return;
    }
    const image: ReadImage = outcome.image;
    if (requireImageLike && !looksLikeImage(path, image.format)) return;
    // The same file reached twice (a symlink and its target) is one image.
    if (pending.has(image.identity)) {
      alias(image.identity, path);
      return;
    }
    pending.set(image.identity, { ...image, path, folder, fallback: null });
  }

  for (const folder of folders) {
    const stats = await stat(fsPath(folder)).catch((error: NodeJS.ErrnoException) => error);
    if (stats instanceof Error) {
      errors.push({ path: folder, ...(stats.code === 'ENOENT' ? say('image.watchedPath.gone') : say('image.watchedPath.unreachable', errnoValues(stats))) });
      continue;
    }
    const kind = stats.isDirectory() ? null : fileKind(stats);
    if (kind !== null) {
      errors.push({ path: folder, ...say('image.watchedPath.notAFolder', { kind }) });
      continue;
    }
    if (!stats.isDirectory()) {
      add(folder, dirname(folder), false);
      continue;
    }
    const walk = await walkFolder(folder);
    errors.push(...walk.errors);
    skipped.push(...walk.skipped);
    await inBatches(walk.files, (file) => add(file.path, file.folder, true));
  }

  // Images that must be in the forest wherever they are (the disks of libvirt domains).
  // Only absolute paths: a network disk's `pool/volume` must not match a local file.
  await inBatches(extraFiles, (path) => {
    if (path.startsWith('/') && lookUp(path).identity !== null) add(path, null, false);
  });

  // Details of formats we do not decode, from qemu-img itself, when it can be given the
  // file: Node's spawn passes arguments as UTF-8 text, so a name that is not UTF-8 would
  // reach qemu-img altered (the kernel itself takes any bytes), and a vmdk's extents
  // must be files qemu-img can open without waiting. Asked for each round of files read,
  // those found as backing files outside the folders too: their backing names are in it.
  let qemuImg: Promise<string | null> | null = null;
  const describeForeign = async (files: readonly Pending[]): Promise<void> => {
    const foreign = files.filter((file) => {
      if (file.format === 'qcow2' || file.format === 'raw' || file.readProblems.length > 0 || file.fallback !== null) return false;
      if (hasEscapedBytes(file.path)) {
        file.readProblems.push({ code: 'unreadable', ...say('image.unreadable.nameNotUtf8') });
        return false;
      }
      if (file.format === 'vmdk') file.readProblems.push(...extentProblems(file.path));
      return file.readProblems.length === 0;
    });
    if (foreign.length === 0) return;
    // Looked up only when needed: most scans (every rescan of the watcher) read no such file.
    const program = await (qemuImg ??= host.findProgram('qemu-img'));
    await mapLimit(foreign, 4, async (file) => {
      if (program === null) return;
      file.fallback = await qemuImgInfo(host, program, file.path, file.format).catch((error: unknown) => {
        const detail = error instanceof HostCommandError ? error.stderr.trim() || error.message : String(error);
        file.readProblems.push({ code: 'unreadable', ...say('image.unreadable.qemuImg', { detail }) });
        return null;
      });
    });
  };

  // Follow backing names until every chain is complete, reading files outside the folders.
  // A backing path that is a path already read needs no stat: it is that file. The path is
  // kept as QEMU joins it, `..` and all: the kernel follows `link/..` to the link target's
  // parent, which textual normalisation would get wrong. A file reached by several paths
  // is one image, named by the first path that reaches it: folders as listed, then
  // backing names in path order, so that every scan names it alike.
  const identityByPath = new Map([...pending.values()].map((file) => [file.path, file.identity]));
  const backingIdentity = new Map<string, string | null>();
  const reasons: Reasons = new Map();
  const because = (file: Pending, replaces: ProblemCode, problem: Problem): void => {
    reasons.set(file.path, (reasons.get(file.path) ?? new Map()).set(replaces, problem));
  };
  const follow = async (first: Pending[]): Promise<void> => {
    for (let round = first.sort(byPath); round.length > 0; ) {
      await describeForeign(round);
      const before = new Set(pending.keys());
      await inBatches(round, (file) => {
        const name = backingNameOf(file);
        // An inexact name would be looked up under another file's name (its problem says so).
        if (name === null || hasProtocol(name) || backingNameInexact(file)) return;
        const path = resolveBackingPath(file.path, name);
        const known = identityByPath.get(path);
        const { identity, refused, notAFile } = known === undefined ? lookUp(path) : { identity: known, refused: null, notAFile: null };
        backingIdentity.set(file.identity, identity);
        if (refused !== null) {
          because(file, 'missing-backing', { code: 'missing-backing', ...say('image.missingBacking.unreachable', { name, path, ...refused }) });
        }
        if (notAFile !== null) {
          because(file, 'missing-backing', { code: 'backing-not-a-file', ...say('image.backingNotAFile', { name, path, kind: notAFile }) });
        }
        if (identity !== null && !pending.has(identity)) add(path, null, false);
        else if (identity !== null) alias(identity, path);
      });
      round = [...pending.values()].filter((file) => !before.has(file.identity)).sort(byPath);
    }
  };
  // A file reached by other paths whose folders lead its relative backing name elsewhere:
  // by file, each other backing file (by identity), named by its first path, and the paths
  // that lead to it. Both sides say so, for no plan can tell which chain a guest opens.
  const otherBackings = (): Map<Pending, Map<string, { path: string; aliases: string[] }>> => {
    const found = new Map<Pending, Map<string, { path: string; aliases: string[] }>>();
    for (const [identity, paths] of aliases) {
      const file = pending.get(identity);
      const name = file === undefined ? null : backingNameOf(file);
      if (file === undefined || name === null || hasProtocol(name) || backingNameInexact(file)) continue;
      for (const path of [...paths].sort()) {
        const other = resolveBackingPath(path, name);
        const otherIdentity = lookUp(other).identity;
        if (otherIdentity === null || otherIdentity === (backingIdentity.get(identity) ?? null)) continue;
        const byIdentity = found.get(file) ?? new Map<string, { path: string; aliases: string[] }>();
        found.set(file, byIdentity);
        const entry = byIdentity.get(otherIdentity) ?? { path: other, aliases: [] };
        byIdentity.set(otherIdentity, entry);
        entry.aliases.push(path);
      }
    }
    return found;
  };
  // Each other backing file is read too, and its own chain followed.
  for (let next = [...pending.values()]; next.length > 0; ) {
    await follow(next);
    const before = new Set(pending.keys());
    for (const byIdentity of otherBackings().values()) for (const [identity, { path }] of byIdentity) if (!pending.has(identity)) add(path, null, false);
    next = [...pending.values()].filter((added) => !before.has(added.identity));
  }
  for (const [file, byIdentity] of otherBackings()) {
    const name = backingNameOf(file)!;
    for (const [identity, { path: other, aliases: paths }] of byIdentity) {
      file.readProblems.push({ code: 'backing-ambiguous', ...say('image.backingAmbiguous.image', { name, alias: paths.join(', '), other }) });
      pending.get(identity)?.readProblems.push({ code: 'backing-ambiguous', ...say('image.backingAmbiguous.backing', { shown: file.path, alias: paths.join(', ') }) });
    }
  }

  const scanned = [...pending.values()].map((file): ScannedFile => {
    const dataFile = file.qcow2?.dataFile ?? null;
    if (dataFile === null) return { ...file, backingIdentity: backingIdentity.get(file.identity) ?? null, dataFileExists: null };
    // QEMU 7.2 opens a relative data file name from its working directory; Snaptree takes
    // the image's folder for it, joined like a backing name so that `..` goes where the kernel goes.
    const { identity, refused, notAFile } = lookUp(resolveBackingPath(file.path, dataFile));
    if (refused !== null) because(file, 'missing-data-file', { code: 'missing-data-file', ...say('image.missingDataFile.unreachable', { path: dataFile, ...refused }) });
    if (notAFile !== null) because(file, 'missing-data-file', { code: 'missing-data-file', ...say('image.missingDataFile.notAFile', { path: dataFile, kind: notAFile }) });
    return { ...file, backingIdentity: backingIdentity.get(file.identity) ?? null, dataFileExists: identity !== null };
  });
  scanned.sort(byPath);
  skipped.push(...[...unreadableSkipped].filter(([identity]) => !pending.has(identity)).map(([, { path, reason, key, values }]) => ({ path, reason, key, values })));
  skipped.sort(byPath);
  return { images: withReasons(buildForest(scanned), reasons), errors, skipped, scannedAt: new Date().toISOString() };
}
