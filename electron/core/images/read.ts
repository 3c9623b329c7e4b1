import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { detectFormat, qemuOnlyFormat } from '../../../shared/images/magic.js';
import { bitmapTablesRefusal, readBitmapDirectory } from '../../../shared/images/qcow2-bitmaps.js';
import { fsPath } from './fs-path.js';
import type { ImageFormat, InternalSnapshot, Problem } from '../../../shared/images/model.js';
import { decodeQcow2Header, refusal, type Qcow2Header } from '../../../shared/images/qcow2.js';
import { decodeSnapshotTable, MAX_SNAPSHOT_TABLE } from '../../../shared/images/snapshots.js';
import { imageProblems } from '../../../shared/messages/image-problems.js';
import { say } from '../../../shared/messages/problems.js';

/** Holds the header of any image qemu-img writes; the decoder asks for more when not. */
export const FIRST_READ = 4096;

export interface ReadImage {
  readonly identity: string;
  readonly fileSize: number;
  readonly actualSize: number;
  readonly format: ImageFormat;
  readonly qcow2: Qcow2Header | null;
  readonly snapshots: InternalSnapshot[];
  readonly readProblems: Problem[];
}

/** What the system tells of a file it would not let Snaptree read. */
export interface UnreadableFile {
  /** Null when not even its metadata could be had. */
  readonly identity: string | null;
  readonly fileSize: number;
  readonly actualSize: number;
  readonly problem: Problem;
}

export type ReadOutcome =
  | { kind: 'image'; image: ReadImage }
  | ({ kind: 'unreadable' } & UnreadableFile)
  /** A FIFO, socket, folder or character device: never read, it may block or never end. */
  | { kind: 'not-a-file'; what: FileKind }
  | { kind: 'gone' };

/**
 * One scratch buffer for every read. Reads are synchronous (the scanner yields between
 * batches), and the decoders copy out what they keep, so it is never shared.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
const SCRATCH_LIMIT = 2 * 1024 * 1024;

function readAt(fd: number, position: number, length: number): Uint8Array {
  // A large snapshot table (up to QEMU's 64 MiB) gets a buffer of its own, so that one
  // image does not keep the scratch buffer that large for the life of the program.
  const buffer = length > SCRATCH_LIMIT ? Buffer.allocUnsafe(length) : scratch.length < length ? (scratch = Buffer.allocUnsafe(length)) : scratch;
  const bytesRead = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * The snapshot table, read in growing pieces until it decodes. QEMU reads a table that
 * runs past the end of the file as zeros (it lists those snapshots, nameless), and so
 * does the reader; the file being short is then said apart.
 */
function readSnapshots(fd: number, offset: number, count: number, fileSize: number): { snapshots: InternalSnapshot[]; problem: Problem | null } {
  const inFile = Math.max(0, fileSize - offset);
  for (let length = Math.min(inFile, Math.max(4096, count * 128)); ; ) {
    const decoded = decodeSnapshotTable(readAt(fd, offset, length), count, length >= inFile);
    if (decoded.kind === 'refused') return { snapshots: [], problem: refusal(decoded.reason) };
    if (decoded.kind === 'complete') {
      const cut = offset + decoded.length > fileSize;
      const problem: Problem | null = cut ? { code: 'truncated', ...say('image.truncated.snapshotTable', { fileSize, start: offset, end: offset + decoded.length }) } : null;
      return { snapshots: decoded.snapshots, problem };
    }
    length = Math.min(inFile, MAX_SNAPSHOT_TABLE, Math.max(decoded.needsBytes, length * 4));
  }
}

/**
 * A block device (an LVM volume backing an overlay, say) has no length in fstat; Linux
 * tells it in /sys, in 512-byte sectors. Its allocation is its whole size.
 */
function sizeOf(stats: Stats): { size: number; allocated: number } {
  if (!stats.isBlockDevice()) return { size: stats.size, allocated: stats.blocks * 512 };
  const major = Number((BigInt(stats.rdev) >> 8n) & 0xfffn) | Number((BigInt(stats.rdev) >> 32n) & ~0xfffn);
  const minor = Number(BigInt(stats.rdev) & 0xffn) | Number((BigInt(stats.rdev) >> 12n) & ~0xffn);
  try {
    const size = Number(readFileSync(`/sys/dev/block/${major}:${minor}/size`, 'utf8').trim()) * 512;
    return { size, allocated: size };
  } catch {
    return { size: 0, allocated: 0 };
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/**
 * Why the system refused a path, as a message's values: `{ errno: 'EACCES' }`, which the
 * catalogue names in each language (`$t(problems:image.errno.{{errno}})`); a code it
 * has no words for is `other`, shown as the bare `code`.
 */
export function errnoValues(error: unknown): { errno: string } | { errno: 'other'; code: string } {
  const code = errorCode(error);
  return code in imageProblems.errno && code !== 'other' ? { errno: code } : { errno: 'other', code };
}

export type FileKind = keyof typeof imageProblems.fileKind;

/**
 * What a path leads to when it is not something an image can be in (a regular file or a
 * block device), as a problem's `kind` value names it: "fifo". Null for an image file.
 */
export function fileKind(stats: Stats): FileKind | null {
  if (stats.isFile() || stats.isBlockDevice()) return null;
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'characterDevice';
  return 'other';
}

/**
 * A file that would not open: a socket (ENXIO), or one Snaptree may not read. An
 * unreadable file keeps its identity, so that an overlay above it finds it and does not
 * call its backing file missing, and its sizes, which need no read.
 */
function refused(path: string, error: unknown): ReadOutcome {
  let stats: Stats | null = null;
  try {
    stats = statSync(fsPath(path));
  } catch {
    // not even its metadata: no identity
  }
  const what = stats === null ? null : fileKind(stats);
  if (what !== null) return { kind: 'not-a-file', what };
  const problem: Problem = { code: 'unreadable', ...say('image.unreadable.denied', errnoValues(error)) };
  if (stats === null) return { kind: 'unreadable', identity: null, fileSize: 0, actualSize: 0, problem };
  const { size, allocated } = sizeOf(stats);
  return { kind: 'unreadable', identity: `${stats.dev}:${stats.ino}`, fileSize: size, actualSize: allocated, problem };
}

/**
 * Reads one file's header natively: one small read at the start of the file, one more
 * for the snapshot table when there is one. Synchronous: from the page cache a read is
 * a few microseconds, far less than a round trip through the thread pool.
 */
export function readImage(path: string): ReadOutcome {
  let fd: number;
  try {
    // Non-blocking, so that a FIFO put where a file was does not wait for a writer; a
    // regular file or block device reads the same either way.
    fd = openSync(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'gone' };
    return refused(path, error);
  }
  try {
    const stats = fstatSync(fd);
    const what = fileKind(stats);
    if (what !== null) return { kind: 'not-a-file', what };
    const identity = `${stats.dev}:${stats.ino}`;
    const { size, allocated } = sizeOf(stats);
    let bytes: Uint8Array;
    try {
      bytes = readAt(fd, 0, Math.min(size, FIRST_READ));
    } catch (error) {
      return { kind: 'unreadable', identity, fileSize: size, actualSize: allocated, problem: { code: 'unreadable', ...say('image.unreadable.failed', errnoValues(error)) } };
    }
    const format = detectFormat(bytes);
    // QEMU would open it through a driver of its own: no plan may take it for raw.
    const other = format === 'raw' ? qemuOnlyFormat(bytes, path) : null;
    if (other !== null) return { kind: 'unreadable', identity, fileSize: size, actualSize: allocated, problem: { code: 'unreadable', ...say('image.unreadable.otherFormat', { format: other }) } };
    const base = { identity, fileSize: size, actualSize: allocated, format };
    if (format !== 'qcow2') return { kind: 'image', image: { ...base, qcow2: null, snapshots: [], readProblems: [] } };

    let decoding = decodeQcow2Header(bytes, size);
    if (decoding.needsBytes !== undefined) decoding = decodeQcow2Header(readAt(fd, 0, Math.min(decoding.needsBytes, size)), size);
    // Still short: the file shrank between fstat and the read (a copy being rewritten).
    if (decoding.needsBytes !== undefined) {
      return { kind: 'unreadable', identity, fileSize: size, actualSize: allocated, problem: { code: 'unreadable', ...say('image.unreadable.changed') } };
    }
    let { header } = decoding;
    const { problems } = decoding;
    let snapshots: InternalSnapshot[] = [];
    if (header !== null && decoding.readsSnapshotTable === true && header.details.snapshotCount > 0) {
      const table = readSnapshots(fd, header.details.snapshotsOffset, header.details.snapshotCount, size);
      // QEMU reads the table of an image with an external data file, but lists none of
      // its snapshots: internal snapshots need the data in the image itself.
      snapshots = header.externalData ? [] : table.snapshots;
      // QEMU reads the table before the block layer's last checks: its refusal comes first,
      // and a disk QEMU will not open has no size a guest could see.
      if (table.problem?.code === 'invalid-header') header = { ...header, virtualSize: null };
      if (table.problem) problems.unshift(table.problem);
    }
    // QEMU loads the persistent bitmaps last: only an image it would open that far.
    const directory = header?.bitmapDirectory ?? null;
    if (header !== null && header.virtualSize !== null && directory !== null && !problems.some((problem) => problem.code === 'invalid-header')) {
      const within = (offset: number, length: number) => readAt(fd, offset, Math.min(length, Math.max(0, size - offset)));
      const { clusterSize } = header.details;
      const read = readBitmapDirectory(within(directory.offset, directory.size), directory, clusterSize, header.virtualSize);
      const refused = 'refusal' in read ? read.refusal : bitmapTablesRefusal(read.bitmaps, within, clusterSize, header.virtualSize);
      if (refused !== null) {
        header = { ...header, virtualSize: null };
        problems.unshift(refusal(refused));
      }
    }
    return { kind: 'image', image: { ...base, qcow2: header, snapshots, readProblems: problems } };
  } finally {
    closeSync(fd);
  }
}
