/**
 * The qcow2 internal snapshot table (reference §1.4): entries of variable length,
 * each padded to 8 bytes. Pure and total, like the header decoder, and read as QEMU
 * 7.2 reads it (qcow2_read_snapshots): past the end of the file every byte is zero,
 * names end at their first NUL, and a table QEMU would refuse is refused in its words.
 */
import type { InternalSnapshot } from './model.js';
import { cString } from './qcow2.js';

const text = new TextDecoder('utf-8');

const ENTRY_HEADER = 40;
/** QCOW_MAX_SNAPSHOT_EXTRA_DATA and QCOW_MAX_SNAPSHOTS_SIZE. */
const MAX_EXTRA_DATA = 1024;
export const MAX_SNAPSHOT_TABLE = 64 * 1024 * 1024;
const NANOSECONDS_PER_SECOND = 1_000_000_000;

export type SnapshotTableDecoding =
  | { readonly kind: 'complete'; readonly snapshots: InternalSnapshot[]; /** Bytes the table spans, padding included. */ readonly length: number }
  /** The bytes given end inside the table, before the end of the file: read more. */
  | { readonly kind: 'incomplete'; readonly needsBytes: number }
  | { readonly kind: 'refused'; readonly reason: string };

const readU64 = (view: DataView, offset: number): bigint => view.getBigUint64(offset);

/**
 * Decodes `count` entries from bytes that start at the header's snapshots_offset.
 * `toFileEnd` says the bytes run to the end of the file, so that what lies past them
 * reads as zeros, as QEMU reads it; otherwise a table reaching past them is incomplete.
 */
export function decodeSnapshotTable(bytes: Uint8Array, count: number, toFileEnd: boolean): SnapshotTableDecoding {
  const snapshots: InternalSnapshot[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    offset = (offset + 7) & ~7;
    const headerView = view(bytes, offset, ENTRY_HEADER, toFileEnd);
    if (headerView === null) return { kind: 'incomplete', needsBytes: offset + ENTRY_HEADER };
    const idLength = headerView.getUint16(12);
    const nameLength = headerView.getUint16(14);
    const seconds = headerView.getUint32(16);
    const nanoseconds = headerView.getUint32(20);
    const vmClockNs = Number(readU64(headerView, 24));
    const extraSize = headerView.getUint32(36);
    if (extraSize > MAX_EXTRA_DATA) return { kind: 'refused', reason: `Too much extra metadata in snapshot table entry ${index}` };
    const end = offset + ENTRY_HEADER + extraSize + idLength + nameLength;
    // QEMU reads the entry before it checks, but past the end of the file that read
    // cannot fail: checked first, a hostile table never costs more than QEMU's limit.
    if (end > MAX_SNAPSHOT_TABLE) return { kind: 'refused', reason: 'Snapshot table is too big' };
    const entry = view(bytes, offset, end - offset, toFileEnd);
    if (entry === null) return { kind: 'incomplete', needsBytes: end };
    // Past the bytes given, the entry was padded with zeros: keep the padded copy.
    const entryBytes = new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength);
    const extra = ENTRY_HEADER;
    // The 64-bit state size in the extra data supersedes the 32-bit field when present.
    const vmStateSize = extraSize >= 8 ? Number(readU64(entry, extra)) : entry.getUint32(32);
    const diskSize = extraSize >= 16 ? Number(readU64(entry, extra + 8)) : null;
    const icountRaw = extraSize >= 24 ? entry.getBigInt64(extra + 16) : -1n;
    const idStart = extra + extraSize;
    snapshots.push({
      id: text.decode(cString(entryBytes.subarray(idStart, idStart + idLength))),
      name: text.decode(cString(entryBytes.subarray(idStart + idLength, idStart + idLength + nameLength))),
      // QEMU shows the seconds; nanoseconds of a second or more are nonsense, not more time.
      date: new Date(seconds * 1000 + (nanoseconds < NANOSECONDS_PER_SECOND ? Math.floor(nanoseconds / 1e6) : 0)).toISOString(),
      vmClockNs,
      vmStateSize,
      diskSize,
      icount: icountRaw < 0n ? null : Number(icountRaw),
    });
    offset = end;
  }
  return { kind: 'complete', snapshots, length: offset };
}

/** A view of [offset, offset + length), zero-padded past a file's end; null when more must be read. */
function view(bytes: Uint8Array, offset: number, length: number, toFileEnd: boolean): DataView | null {
  if (offset + length <= bytes.length) return new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  if (!toFileEnd) return null;
  const padded = new Uint8Array(length);
  if (offset < bytes.length) padded.set(bytes.subarray(offset));
  return new DataView(padded.buffer);
}
