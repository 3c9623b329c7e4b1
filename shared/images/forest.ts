/**
 * Builds the disk forest from what the scanner read: resolves each backing name to the
 * image it names, finds loops, and names every problem in a sentence a user understands.
 * Pure: the scanner does all file system work and hands in file identities.
 */
import { baseName } from '../format.js';
import { say } from '../messages/problems.js';
import { hasProtocol, jsonRefused, resolveBackingPath, unknownProtocol } from './backing.js';
import { claimHeld, formatClaimedByName } from './magic.js';
import type { Image, InternalSnapshot, Problem, ScannedFormat } from './model.js';
import { rawVirtualSize } from './raw.js';
import type { Qcow2Header } from './qcow2.js';

/** One file as the scanner read it. */
export interface ScannedFile {
  readonly path: string;
  /** `dev:ino`: two paths to one file share it. */
  readonly identity: string;
  readonly folder: string | null;
  readonly fileSize: number;
  readonly actualSize: number;
  /** 'unknown' when the file could not be read: then nothing is known of its content. */
  readonly format: ScannedFormat;
  readonly qcow2: Qcow2Header | null;
  readonly snapshots: readonly InternalSnapshot[];
  /** Problems found while reading: unreadable, truncated, invalid header. */
  readonly readProblems: readonly Problem[];
  /** What `qemu-img info` said of a format we do not decode, or null. */
  readonly fallback: FallbackInfo | null;
  /** The identity of the file the backing path leads to, or null when it leads nowhere. */
  readonly backingIdentity: string | null;
  /** Whether the external data file exists; null when there is none. */
  readonly dataFileExists: boolean | null;
}

export interface FallbackInfo {
  readonly virtualSize: number | null;
  readonly backingName: string | null;
  readonly backingFormat: string | null;
  readonly encrypted: boolean;
}

export function backingNameOf(file: Pick<ScannedFile, 'qcow2' | 'fallback'>): string | null {
  return file.qcow2?.backingFile ?? file.fallback?.backingName ?? null;
}

/**
 * Whether the backing name is not the one the header holds: qemu-img's JSON writes each
 * byte of a name that is not UTF-8 as U+FFFD, so a name from it (vmdk, qed, qcow) that
 * holds one may stand for any bytes, and no path made from it is the backing file. (A
 * name really spelt with U+FFFD cannot be told apart from it.) Names read natively keep
 * their bytes (path-bytes.ts).
 */
export function backingNameInexact(file: Pick<ScannedFile, 'qcow2' | 'fallback'>): boolean {
  return file.qcow2 === null && file.fallback?.backingName?.includes('\ufffd') === true;
}


/** Identities of all files that sit on a backing loop, with the loop as names, in one pass. */
function findLoops(byIdentity: ReadonlyMap<string, ScannedFile>): Map<string, string[]> {
  const onLoop = new Map<string, string[]>();
  const done = new Set<string>();
  for (const start of byIdentity.keys()) {
    const walk: string[] = [];
    const position = new Map<string, number>();
    let current: string | null = start;
    while (current !== null && !done.has(current) && !position.has(current)) {
      position.set(current, walk.length);
      walk.push(current);
      current = byIdentity.get(current)?.backingIdentity ?? null;
    }
    if (current !== null && position.has(current)) {
      const loop = walk.slice(position.get(current));
      const names = [...loop, loop[0]!].map((id) => baseName(byIdentity.get(id)!.path));
      for (const id of loop) onLoop.set(id, names);
    }
    for (const id of walk) done.add(id);
  }
  return onLoop;
}

export function buildForest(files: readonly ScannedFile[]): Image[] {
  const byIdentity = new Map(files.map((file) => [file.identity, file]));
  const loops = findLoops(byIdentity);

  return files.map((file): Image => {
    const problems: Problem[] = [...file.readProblems];
    const qcow2 = file.qcow2;
    const name = backingNameOf(file);
    const target = file.backingIdentity === null ? undefined : byIdentity.get(file.backingIdentity);
    const recordedFormat = qcow2?.backingFormat ?? file.fallback?.backingFormat ?? null;
    const backing =
      name === null
        ? null
        : {
            name,
            path: resolveBackingPath(file.path, name),
            format: recordedFormat,
            exists: target !== undefined,
            image: target?.path ?? null,
          };

    // Of a file that could not be read, only its unreadable problem is known.
    const read = file.format !== 'unknown';
    if (read && file.fileSize === 0) {
      problems.push({ code: 'truncated', ...say('image.truncated.empty') });
    }
    const claimed = formatClaimedByName(file.path);
    if (read && claimed !== null && !claimHeld(claimed, file.format) && file.fileSize > 0) {
      problems.push({ code: 'unknown-format', ...say('image.unknownFormat', { claimed, format: file.format }) });
    }
    const unknown = backing === null ? null : unknownProtocol(backing.name);
    if (backing !== null && unknown !== null) {
      problems.push({ code: 'missing-backing', ...say('image.missingBacking.unknownProtocol', { name: backing.name, protocol: unknown }) });
    } else if (backing !== null && jsonRefused(backing.name)) {
      problems.push({ code: 'missing-backing', ...say('image.missingBacking.badJson', { name: backing.name }) });
    } else if (backing !== null && hasProtocol(backing.name)) {
      problems.push({ code: 'protocol-backing', ...say('image.protocolBacking', { name: backing.name, protocol: backing.name.slice(0, backing.name.indexOf(':')) }) });
    } else if (backing !== null && backingNameInexact(file)) {
      problems.push({ code: 'inexact-backing-name', ...say('image.inexactBackingName', { name: backing.name }) });
    } else if (backing !== null && !backing.exists) {
      problems.push({ code: 'missing-backing', ...say('image.missingBacking.gone', { name: backing.name, path: backing.path }) });
    }
    const loop = loops.get(file.identity);
    if (loop !== undefined) {
      problems.push({ code: 'backing-loop', ...(loop.length === 2 ? say('image.backingLoop.self') : say('image.backingLoop.chain', { chain: loop.join(' → ') })) });
    }
    if (backing !== null && target !== undefined && loop === undefined) {
      if (recordedFormat === null) {
        problems.push({
          code: 'no-backing-format',
          ...(target.format === 'unknown' ? say('image.noBackingFormat.unknown') : say('image.noBackingFormat.known', { format: target.format })),
        });
      } else if (target.format !== 'unknown' && recordedFormat !== target.format) {
        // Claimed only of a header that was read: an unreadable backing file's format is unknown.
        problems.push({ code: 'backing-format-mismatch', ...say('image.backingFormatMismatch', { recorded: recordedFormat, file: baseName(target.path), format: target.format }) });
      }
    }
    if (qcow2?.corrupt) {
      problems.push({ code: 'corrupt', ...say('image.corrupt') });
    }
    if (qcow2?.dirty) {
      problems.push({ code: 'dirty', ...say('image.dirty') });
    }
    const encrypted = qcow2?.encrypted ?? file.fallback?.encrypted ?? file.format === 'luks';
    if (encrypted) {
      problems.push({ code: 'encrypted', ...say('image.encrypted') });
    }
    if (file.dataFileExists === false) {
      problems.push({ code: 'missing-data-file', ...say('image.missingDataFile.gone', { path: qcow2?.dataFile ?? '' }) });
    }

    return {
      path: file.path,
      format: file.format,
      virtualSize: qcow2?.virtualSize ?? file.fallback?.virtualSize ?? (file.format === 'raw' ? rawVirtualSize(file.fileSize) : null),
      actualSize: file.actualSize,
      backing,
      snapshots: [...file.snapshots],
      encrypted,
      corrupt: qcow2?.corrupt ?? false,
      dirty: qcow2?.dirty ?? false,
      dataFile: qcow2?.dataFile ?? null,
      problems,
      folder: file.folder,
      qcow2: qcow2?.details ?? null,
      usedBy: [],
    };
  });
}
