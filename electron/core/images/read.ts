import { open, type FileHandle } from 'node:fs/promises';
import { detectFormat } from '../../../shared/images/magic.js';
import type { ImageFormat, InternalSnapshot, Problem } from '../../../shared/images/model.js';
import { decodeQcow2Header, qcow2HeaderExtent, type Qcow2Header } from '../../../shared/images/qcow2.js';
import { decodeSnapshotTable } from '../../../shared/images/snapshots.js';

/** Enough for the default 64 KiB cluster, which holds the whole header. */
const FIRST_READ = 64 * 1024;
/** QEMU's QCOW_MAX_SNAPSHOTS_SIZE: a larger table is nonsense. */
const MAX_SNAPSHOT_TABLE = 64 * 1024 * 1024;

export interface ReadImage {
  readonly identity: string;
  readonly fileSize: number;
  readonly actualSize: number;
  readonly format: ImageFormat;
  readonly qcow2: Qcow2Header | null;
  readonly snapshots: InternalSnapshot[];
  readonly readProblems: Problem[];
}

export type ReadOutcome = { kind: 'image'; image: ReadImage } | { kind: 'unreadable'; identity: string | null; problem: Problem } | { kind: 'gone' };

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The snapshot table, read in growing pieces until it decodes, within QEMU's limits. */
async function readSnapshots(file: FileHandle, offset: number, count: number, fileSize: number): Promise<{ snapshots: InternalSnapshot[]; problem: Problem | null }> {
  const limit = Math.min(fileSize - offset, MAX_SNAPSHOT_TABLE);
  if (offset <= 0 || limit <= 0) {
    return { snapshots: [], problem: { code: 'truncated', message: `The header lists ${count} internal snapshots, but their table lies past the end of the file.` } };
  }
  for (let length = Math.min(limit, Math.max(4096, count * 128)); ; length = Math.min(limit, length * 4)) {
    const decoded = decodeSnapshotTable(await readAt(file, offset, length), count);
    if (decoded.kind === 'complete') return { snapshots: decoded.snapshots, problem: null };
    if (length >= limit) {
      const cut = limit === fileSize - offset;
      return {
        snapshots: [],
        problem: cut
          ? { code: 'truncated', message: 'The file ends inside its internal snapshot table: it was cut short.' }
          : { code: 'invalid-header', message: 'The internal snapshot table is larger than QEMU allows.' },
      };
    }
  }
}

/** Reads one file's header natively: one read of the first cluster, one more for snapshots. */
export async function readImage(path: string): Promise<ReadOutcome> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'gone' };
    return { kind: 'unreadable', identity: null, problem: { code: 'unreadable', message: `Snaptree may not read this file (${code ?? 'error'}): check its permissions.` } };
  }
  try {
    const stats = await file.stat();
    const identity = `${stats.dev}:${stats.ino}`;
    let bytes: Uint8Array;
    try {
      bytes = await readAt(file, 0, Math.min(stats.size, FIRST_READ));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { kind: 'unreadable', identity, problem: { code: 'unreadable', message: `The file could not be read (${code}).` } };
    }
    const format = detectFormat(bytes);
    const base = { identity, fileSize: stats.size, actualSize: stats.blocks * 512, format };
    if (format !== 'qcow2') return { kind: 'image', image: { ...base, qcow2: null, snapshots: [], readProblems: [] } };

    const extent = Math.min(qcow2HeaderExtent(bytes), stats.size);
    if (extent > bytes.length) bytes = await readAt(file, 0, extent);
    const { header, problems } = decodeQcow2Header(bytes, stats.size);
    let snapshots: InternalSnapshot[] = [];
    if (header !== null && header.details.snapshotCount > 0) {
      const table = await readSnapshots(file, header.details.snapshotsOffset, header.details.snapshotCount, stats.size);
      snapshots = table.snapshots;
      if (table.problem) problems.push(table.problem);
    }
    return { kind: 'image', image: { ...base, qcow2: header, snapshots, readProblems: problems } };
  } finally {
    await file.close();
  }
}
