/**
 * Builds the disk forest from what the scanner read: resolves each backing name to the
 * image it names, finds loops, and names every problem in a sentence a user understands.
 * Pure: the scanner does all file system work and hands in file identities.
 */
import { baseName } from '../format.js';
import { hasProtocol, resolveBackingPath } from './backing.js';
import { formatClaimedByName } from './magic.js';
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
      problems.push({ code: 'truncated', message: 'The file is empty (0 bytes): it holds no image.' });
    }
    const claimed = formatClaimedByName(file.path);
    if (read && claimed !== null && claimed !== file.format && file.fileSize > 0) {
      problems.push({
        code: 'unknown-format',
        message: `The name says ${claimed}, but the file has no ${claimed} header: QEMU would open it as ${file.format}.`,
      });
    }
    if (backing !== null && hasProtocol(backing.name)) {
      problems.push({
        code: 'protocol-backing',
        message: `The backing "${backing.name}" is a QEMU protocol string (${backing.name.slice(0, backing.name.indexOf(':'))}:…), not a file name: QEMU opens it over the network or as a JSON description; Snaptree does not follow such backings.`,
      });
    } else if (backing !== null && backingNameInexact(file)) {
      problems.push({
        code: 'inexact-backing-name',
        message: `qemu-img reports the backing name as "${backing.name}": the name holds bytes that are not UTF-8, which qemu-img replaces with U+FFFD (\ufffd), so Snaptree cannot tell which file it is and does not follow it. QEMU itself opens the name's exact bytes. To see the chain here, give the backing file a UTF-8 name and rebase this image onto it (qemu-img rebase -u).`,
      });
    } else if (backing !== null && !backing.exists) {
      problems.push({
        code: 'missing-backing',
        message: `The backing file "${backing.name}" (${backing.path}) does not exist: this image cannot be opened until it is back or the image is rebased.`,
      });
    }
    const loop = loops.get(file.identity);
    if (loop !== undefined) {
      problems.push({
        code: 'backing-loop',
        message:
          loop.length === 2
            ? `This image names itself as its backing file: QEMU cannot open it.`
            : `The backing chain loops back to this image (${loop.join(' → ')}): QEMU cannot open it.`,
      });
    }
    if (backing !== null && target !== undefined && loop === undefined) {
      if (recordedFormat === null) {
        problems.push({
          code: 'no-backing-format',
          message:
            target.format === 'unknown'
              ? `The header does not record the backing file's format, so QEMU must guess it; guessing is unsafe and newer QEMU refuses.`
              : `The header does not record the backing file's format, so QEMU must guess it (${target.format}); guessing is unsafe and newer QEMU refuses. Fix: qemu-img rebase -u -b <same name> -F ${target.format}.`,
        });
      } else if (target.format !== 'unknown' && recordedFormat !== target.format) {
        // Claimed only of a header that was read: an unreadable backing file's format is unknown.
        problems.push({
          code: 'backing-format-mismatch',
          message: `The header says the backing file is ${recordedFormat}, but ${baseName(target.path)} is ${target.format}: the guest would see the wrong disk content.`,
        });
      }
    }
    if (qcow2?.corrupt) {
      problems.push({
        code: 'corrupt',
        message: 'The corrupt bit is set: QEMU found an inconsistency and opens the image read-only. Check it with qemu-img check, repair with -r all.',
      });
    }
    if (qcow2?.dirty) {
      problems.push({
        code: 'dirty',
        message: 'The dirty bit is set: the image was not closed cleanly (lazy refcounts). QEMU repairs it at the next read-write open.',
      });
    }
    const encrypted = qcow2?.encrypted ?? file.fallback?.encrypted ?? file.format === 'luks';
    if (encrypted) {
      problems.push({ code: 'encrypted', message: 'The image is encrypted: reading or changing its data needs its passphrase.' });
    }
    if (file.dataFileExists === false) {
      problems.push({
        code: 'missing-data-file',
        message: `The external data file "${qcow2?.dataFile}" does not exist: the guest data is gone or was moved.`,
      });
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
