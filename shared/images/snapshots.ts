/**
 * The qcow2 internal snapshot table (reference §1.4): entries of variable length,
 * each padded to 8 bytes. Pure and total, like the header decoder.
 */
import type { InternalSnapshot } from './model.js';

const text = new TextDecoder('utf-8');

export type SnapshotTableDecoding =
  | { readonly kind: 'complete'; readonly snapshots: InternalSnapshot[] }
  /** The bytes given end inside the table: read more, or the file was cut short. */
  | { readonly kind: 'incomplete' };

/** Decodes `count` entries from bytes that start at the header's snapshots_offset. */
export function decodeSnapshotTable(bytes: Uint8Array, count: number): SnapshotTableDecoding {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const snapshots: InternalSnapshot[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset + 40 > bytes.length) return { kind: 'incomplete' };
    const idLength = view.getUint16(offset + 12);
    const nameLength = view.getUint16(offset + 14);
    const seconds = view.getUint32(offset + 16);
    const nanoseconds = view.getUint32(offset + 20);
    const vmClockNs = Number(view.getBigUint64(offset + 24));
    const extraSize = view.getUint32(offset + 36);
    const extra = offset + 40;
    const idStart = extra + extraSize;
    const end = idStart + idLength + nameLength;
    if (end > bytes.length) return { kind: 'incomplete' };
    // The 64-bit state size in the extra data supersedes the 32-bit field when present.
    const vmStateSize = extraSize >= 8 ? Number(view.getBigUint64(extra)) : view.getUint32(offset + 32);
    const diskSize = extraSize >= 16 ? Number(view.getBigUint64(extra + 8)) : null;
    const icountRaw = extraSize >= 24 ? view.getBigInt64(extra + 16) : -1n;
    snapshots.push({
      id: text.decode(bytes.subarray(idStart, idStart + idLength)),
      name: text.decode(bytes.subarray(idStart + idLength, end)),
      date: new Date(seconds * 1000 + Math.floor(nanoseconds / 1e6)).toISOString(),
      vmClockNs,
      vmStateSize,
      diskSize,
      icount: icountRaw < 0n ? null : Number(icountRaw),
    });
    offset = (end + 7) & ~7;
  }
  return { kind: 'complete', snapshots };
}
