import { decodePathBytes } from './path-bytes.js';

/**
 * The extent files QEMU 7.2 opens for a vmdk (block/vmdk.c). A text descriptor, as
 * `qemu-img create -f vmdk -o subformat=monolithicFlat d.vmdk` writes it:
 *
 *   # Disk DescriptorFile
 *   version=1
 *   CID=49474e8e
 *   parentCID=ffffffff
 *   createType="monolithicFlat"
 *
 *   # Extent description
 *   RW 2048 FLAT "d-flat.vmdk" 0
 *
 * A binary (KDMV) vmdk is its own only extent, unless its capacity is 0 and its header
 * points at a descriptor inside it: vmdk_open_vmdk4 then opens that descriptor's extents,
 * and so does Snaptree. The descriptor is a C string: it ends at the first NUL byte.
 */

const TEXT_MAGIC = '# Disk DescriptorFile';
const BINARY_MAGIC = 'KDMV';
/** QEMU's createTypes of a descriptor (vmdk_open_desc_file); any other opens no extent. */
const CREATE_TYPES = new Set(['monolithicFlat', 'vmfs', 'vmfsSparse', 'seSparse', 'twoGbMaxExtentSparse', 'twoGbMaxExtentFlat']);
/** The extent types vmdk_parse_extents opens; a line of any other type (ZERO …) names no file. */
const FILE_TYPES = new Set(['FLAT', 'SPARSE', 'VMFS', 'VMFSSPARSE', 'SESPARSE']);

const startsWith = (bytes: Uint8Array, text: string): boolean => [...text].every((ch, i) => bytes[i] === ch.charCodeAt(0));
const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/**
 * Where QEMU reads the descriptor of a vmdk whose first 512 bytes are `head` (zeros past
 * the end of the file, as QEMU reads them), or null when it reads none: a sparse vmdk
 * with a capacity, or a header whose descriptor offset QEMU cannot read at.
 */
export function vmdkDescriptorOffset(head: Uint8Array): number | null {
  if (startsWith(head, TEXT_MAGIC)) return 0;
  if (!startsWith(head, BINARY_MAGIC) || head.length < 36) return null;
  // VMDK4Header after the magic: version, flags (u32), capacity, granularity, desc_offset (u64 LE).
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const sectors = view.getBigUint64(28, true);
  if (view.getBigUint64(12, true) !== 0n || sectors === 0n) return null;
  // desc_offset << 9 as a uint64; past 2^53 it is past any file's end, where QEMU finds no descriptor.
  const offset = (sectors << 9n) & 0xffff_ffff_ffff_ffffn;
  return offset <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(offset) : null;
}

/** C's isspace in the C locale. */
const isSpace = (byte: number | undefined): boolean => byte === 0x20 || (byte !== undefined && byte >= 0x09 && byte <= 0x0d);

/** The fields `sscanf(p, "%10s %ld %10s \"%511[^\n\r\"]\" %ld", ...)` fills from `text` at `start`. */
interface ExtentLine {
  readonly access: string;
  readonly sectors: number;
  readonly type: string;
  readonly name: Uint8Array;
  readonly offset: number | null;
}

/** sscanf's matching, byte for byte; null when it fills fewer than the first four fields. */
function scanExtentLine(text: Uint8Array, start: number): ExtentLine | null {
  let at = start;
  const skipSpace = (): void => {
    while (isSpace(text[at])) at += 1;
  };
  const word = (max: number): string | null => {
    skipSpace();
    const from = at;
    while (at < text.length && at - from < max && !isSpace(text[at])) at += 1;
    return at > from ? ascii(text.subarray(from, at)) : null;
  };
  const integer = (): number | null => {
    skipSpace();
    const from = at;
    if (text[at] === 0x2b || text[at] === 0x2d) at += 1;
    const digits = at;
    while (text[at] !== undefined && text[at]! >= 0x30 && text[at]! <= 0x39) at += 1;
    return at > digits ? Number(ascii(text.subarray(from, at))) : null;
  };
  const quote = (): boolean => {
    if (text[at] !== 0x22) return false;
    at += 1;
    return true;
  };

  const access = word(10);
  const sectors = access === null ? null : integer();
  const type = sectors === null ? null : word(10);
  if (access === null || sectors === null || type === null) return null;
  skipSpace();
  if (!quote()) return null;
  const from = at;
  while (at < text.length && at - from < 511 && text[at] !== 0x0a && text[at] !== 0x0d && text[at] !== 0x22) at += 1;
  if (at === from) return null;
  const name = text.subarray(from, at);
  if (!quote()) return null;
  return { access, sectors, type, name, offset: integer() };
}

/** vmdk_parse_description: the quoted value (under 128 bytes) after the first `createType` in the text. */
function createTypeOf(text: Uint8Array): string | null {
  const key = 'createType';
  let at = text.indexOf(0x63);
  while (at >= 0 && !startsWith(text.subarray(at), key)) at = text.indexOf(0x63, at + 1);
  if (at < 0) return null;
  // QEMU skips the `="` it expects after the name without looking at it.
  const from = at + key.length + 2;
  const end = text.indexOf(0x22, from);
  return from < text.length && end >= 0 && end - from < 128 ? ascii(text.subarray(from, end)) : null;
}

/**
 * The file names of the extents QEMU opens for a descriptor, in its order and as written
 * (relative to the descriptor's folder), as vmdk_parse_extents reads them: sscanf from
 * the start of every line (so one line's fields may run over the next); read-write lines
 * of a file type with a positive sector count; a FLAT line needs an offset of 0 or more,
 * any other none (VMFS, SPARSE …). QEMU refuses the whole descriptor at a line of the
 * wrong shape ("Invalid extent line"), having opened the extents before it: those are named.
 */
export function vmdkExtentNames(descriptor: Uint8Array): string[] {
  const nul = descriptor.indexOf(0);
  const text = nul < 0 ? descriptor : descriptor.subarray(0, nul);
  const createType = createTypeOf(text);
  if (createType === null || !CREATE_TYPES.has(createType)) return [];
  const names: string[] = [];
  for (let start = 0; start < text.length; ) {
    const line = scanExtentLine(text, start);
    const next = text.indexOf(0x0a, start);
    start = next < 0 ? text.length : next + 1;
    if (line === null || line.access !== 'RW') continue;
    const shaped = line.type === 'FLAT' ? line.offset !== null && line.offset >= 0 : line.offset === null;
    if (!shaped) break;
    if (line.sectors > 0 && FILE_TYPES.has(line.type)) names.push(decodePathBytes(line.name));
  }
  return names;
}
