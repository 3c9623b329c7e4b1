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

/** A bitmap as its directory entry names it. */
export interface Bitmap {
  readonly name: string;
  readonly tableOffset: number;
  readonly tableSize: number;
  readonly granularityBits: number;
  /** Marked in use (not saved cleanly): QEMU does not read its table. */
  readonly inUse: boolean;
}

/**
 * The directory's bitmaps, or QEMU's words where it refuses the directory. `bytes`: the
 * directory as read, zeros where it runs past the end of the file (as QEMU reads it);
 * `virtualSize`: the disk's size, which a bitmap's table must cover.
 */
export function readBitmapDirectory(bytes: Uint8Array, directory: BitmapDirectory, clusterSize: number, virtualSize: number): { readonly refusal: string } | { readonly bitmaps: Bitmap[] } {
  const refused = (refusal: string) => ({ refusal });
  const bitmaps: Bitmap[] = [];
  const { size, count } = directory;
  if (size === 0) return refused('Requested bitmap directory size is zero');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u8 = (at: number) => (at < bytes.length ? view.getUint8(at) : 0);
  const u16 = (at: number) => (u8(at) << 8) | u8(at + 1);
  const u32 = (at: number) => ((u16(at) << 16) | u16(at + 2)) >>> 0;
  const u64 = (at: number) => (BigInt(u32(at)) << 32n) | BigInt(u32(at + 4));
  const entrySize = (names: number, extra: number) => Math.ceil((ENTRY + names + extra) / 8) * 8;
  let entries = 0;
  let at = 0;
  for (; at < size; at += entrySize(u16(at + 18), u32(at + 20))) {
    if (at + ENTRY > size) return refused('Broken bitmap directory');
    if (++entries > count) return refused('More bitmaps found than specified in header extension');
    const nameSize = u16(at + 18);
    const extra = u32(at + 20);
    if (at + entrySize(nameSize, extra) > size) return refused('Broken bitmap directory');
    if (extra !== 0) return refused('Bitmap extra data is not supported');
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
    if (broken || physical > BigInt(MAX_PHYS_SIZE) || short) return refused(`Bitmap '${name}' doesn't satisfy the constraints`);
    bitmaps.push({ name, tableOffset: Number(tableOffset), tableSize, granularityBits, inUse: (flags & FLAG_IN_USE) !== 0 });
  }
  if (entries !== count) return refused('Less bitmaps found than specified in header extension');
  if (at !== size) return refused('Broken bitmap directory');
  return { bitmaps };
}

/** A bitmap table entry's reserved bits (1–8 and 56–63), its data's offset, and the all-ones flag (bit 0). */
const TABLE_RESERVED = 0xff000000000001fen;
const TABLE_OFFSET = 0x00fffffffffffe00n;

/**
 * QEMU's words where it refuses the bitmaps once their directory passed (load_bitmap, one
 * after another): a name twice, a table entry with reserved bits or a data offset off a
 * cluster, a table of another size than the disk needs. A bitmap in use is not read. `table`
 * reads a bitmap's table, zeros past the end of the file.
 */
export function bitmapTablesRefusal(bitmaps: readonly Bitmap[], table: (offset: number, length: number) => Uint8Array, clusterSize: number, virtualSize: number): string | null {
  const named = new Set<string>();
  for (const bitmap of bitmaps) {
    if (named.has(bitmap.name)) return `Bitmap already exists: ${bitmap.name}`;
    named.add(bitmap.name);
    if (bitmap.inUse) continue;
    const bytes = table(bitmap.tableOffset, bitmap.tableSize * 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < bitmap.tableSize * 8; at += 8) {
      const entry = at + 8 <= bytes.length ? view.getBigUint64(at) : 0n;
      const offset = entry & TABLE_OFFSET;
      if ((entry & TABLE_RESERVED) !== 0n || (offset !== 0n && ((entry & 1n) !== 0n || offset % BigInt(clusterSize) !== 0n))) {
        return `Could not read bitmap_table table from image for bitmap '${bitmap.name}': Invalid argument`;
      }
    }
    // The table QEMU serializes the bitmap into: a bit per granule, in 64-bit words, in clusters.
    const words = BigInt(virtualSize - 1) >> BigInt(bitmap.granularityBits) >> 6n;
    const needed = Number(((words + 1n) * 8n + BigInt(clusterSize) - 1n) / BigInt(clusterSize));
    if (virtualSize > 0 && needed !== bitmap.tableSize) return `Could not read bitmap '${bitmap.name}' from image: Invalid argument`;
  }
  return null;
}
