/**
 * The persistent dirty bitmaps' directory, checked as QEMU 7.2 checks it when it opens a
 * qcow2 image that has them (block/qcow2-bitmap.c, bitmap_list_load and check_dir_entry):
 * an image whose directory fails is one QEMU will not open. QEMU's words, or null.
 */
const ENTRY = 24;
const MAX_TABLE_SIZE = 0x8000000;
const MAX_PHYS_SIZE = 0x20000000;
const MIN_GRANULARITY_BITS = 9;
const MAX_GRANULARITY_BITS = 31;
const MAX_NAME_SIZE = 1023;
const RESERVED_FLAGS = 0xfffffffc;
const FLAG_IN_USE = 1;
const DIRTY_TRACKING = 1;

export interface BitmapDirectory {
  readonly offset: number;
  readonly size: number;
  /** How many bitmaps the header extension says there are. */
  readonly count: number;
}

/**
 * `bytes`: the directory as read, zeros where it runs past the end of the file (as QEMU
 * reads it); `virtualSize`: the disk's size, which a bitmap's table must cover.
 */
export function bitmapDirectoryRefusal(bytes: Uint8Array, directory: BitmapDirectory, clusterSize: number, virtualSize: number): string | null {
  const { size, count } = directory;
  if (size === 0) return 'Requested bitmap directory size is zero';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u8 = (at: number) => (at < bytes.length ? view.getUint8(at) : 0);
  const u16 = (at: number) => (u8(at) << 8) | u8(at + 1);
  const u32 = (at: number) => ((u16(at) << 16) | u16(at + 2)) >>> 0;
  const u64 = (at: number) => (BigInt(u32(at)) << 32n) | BigInt(u32(at + 4));
  const entrySize = (names: number, extra: number) => Math.ceil((ENTRY + names + extra) / 8) * 8;
  let entries = 0;
  let at = 0;
  for (; at < size; at += entrySize(u16(at + 18), u32(at + 20))) {
    if (at + ENTRY > size) return 'Broken bitmap directory';
    if (++entries > count) return 'More bitmaps found than specified in header extension';
    const nameSize = u16(at + 18);
    const extra = u32(at + 20);
    if (at + entrySize(nameSize, extra) > size) return 'Broken bitmap directory';
    if (extra !== 0) return 'Bitmap extra data is not supported';
    const tableOffset = u64(at);
    const tableSize = u32(at + 8);
    const flags = u32(at + 12);
    const type = u8(at + 16);
    const granularityBits = u8(at + 17);
    // QEMU prints the name with %.*s: up to its size, or to a NUL.
    const field = bytes.subarray(at + ENTRY, at + ENTRY + nameSize);
    const nul = field.indexOf(0);
    const name = new TextDecoder().decode(nul < 0 ? field : field.subarray(0, nul));
    const broken =
      tableSize === 0 ||
      tableOffset === 0n ||
      tableOffset % BigInt(clusterSize) !== 0n ||
      tableSize > MAX_TABLE_SIZE ||
      granularityBits > MAX_GRANULARITY_BITS ||
      granularityBits < MIN_GRANULARITY_BITS ||
      (flags & RESERVED_FLAGS) !== 0 ||
      nameSize > MAX_NAME_SIZE ||
      type !== DIRTY_TRACKING;
    const physical = BigInt(tableSize) * BigInt(clusterSize);
    const short = (flags & FLAG_IN_USE) === 0 && BigInt(virtualSize) > (physical * 8n) << BigInt(granularityBits);
    if (broken || physical > BigInt(MAX_PHYS_SIZE) || short) return `Bitmap '${name}' doesn't satisfy the constraints`;
  }
  if (entries !== count) return 'Less bitmaps found than specified in header extension';
  if (at !== size) return 'Broken bitmap directory';
  return null;
}
