/**
 * The qcow2 header decoder: bytes in, header out. Pure, and total: truncated, empty
 * or nonsensical bytes become problems, never exceptions, and every loop is bounded.
 * Layout: qemu-libvirt-reference.md §1 (docs/interop/qcow2.txt).
 */
import type { Problem, Qcow2Details } from './model.js';

const QCOW2_V2_HEADER_LENGTH = 72;
const V3_MIN_HEADER_LENGTH = 104;
/** QEMU refuses clusters above 2 MiB and below 512 bytes. */
const MIN_CLUSTER_BITS = 9;
const MAX_CLUSTER_BITS = 21;
/** QEMU's own limits: QCOW_MAX_SNAPSHOTS and the 1023-byte backing name. */
const MAX_SNAPSHOTS = 65536;
const MAX_BACKING_NAME = 1023;
const MAX_EXTENSIONS = 1024;

const EXT_BACKING_FORMAT = 0xe2792aca;
const EXT_FEATURE_NAMES = 0x6803f857;
const EXT_BITMAPS = 0x23852875;
const EXT_ENCRYPTION = 0x0537be77;
const EXT_DATA_FILE = 0x44415441;

/** QEMU's names of the feature bits, for images without a feature name table (v2). */
const KNOWN_FEATURES: Readonly<Record<FeatureKind, readonly string[]>> = {
  incompatible: ['dirty bit', 'corrupt bit', 'external data file', 'compression type', 'extended L2 entries'],
  compatible: ['lazy refcounts'],
  autoclear: ['bitmaps', 'raw external data'],
};
const FEATURE_KINDS = ['incompatible', 'compatible', 'autoclear'] as const;
type FeatureKind = (typeof FEATURE_KINDS)[number];
const KNOWN_INCOMPATIBLE_BITS = BigInt((1 << KNOWN_FEATURES.incompatible.length) - 1);

export interface Qcow2Header {
  readonly details: Qcow2Details;
  readonly virtualSize: number;
  readonly backingFile: string | null;
  readonly backingFormat: string | null;
  readonly dataFile: string | null;
  readonly dirty: boolean;
  readonly corrupt: boolean;
  readonly encrypted: boolean;
}

export interface Qcow2Decoding {
  /** Null when the bytes hold no usable header (the problems say why) or too few were given. */
  readonly header: Qcow2Header | null;
  readonly problems: Problem[];
  /**
   * Set when the header reaches past the bytes given but not past the file: decode
   * again with this many bytes from the start of the file (at most the first cluster).
   */
  readonly needsBytes?: number;
}

const text = new TextDecoder('utf-8');

/** Bytes a qcow2 header may occupy: its first cluster, read as a whole (§1.5). */
function qcow2HeaderExtent(bytes: Uint8Array): number {
  if (bytes.length < 24) return bytes.length;
  const bits = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(20);
  return bits >= MIN_CLUSTER_BITS && bits <= MAX_CLUSTER_BITS ? 2 ** bits : bytes.length;
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** Names of the set bits; a bit nobody named is shown by number. */
function setFeatures(kind: FeatureKind, value: bigint, table: ReadonlyMap<string, string>): string[] {
  const names: string[] = [];
  for (let bit = 0; value >> BigInt(bit) !== 0n && bit < 64; bit++) {
    if (((value >> BigInt(bit)) & 1n) === 0n) continue;
    names.push(table.get(`${kind}:${bit}`) ?? KNOWN_FEATURES[kind][bit] ?? `${kind} bit ${bit}`);
  }
  return names;
}

/**
 * QEMU reads past the end of a file as zeros; so does the decoder when it was given the
 * whole file, so that it opens exactly what QEMU opens. Truncation is reported apart.
 */
function padWithZeros(bytes: Uint8Array, fileSize: number): Uint8Array {
  const length = Math.max(qcow2HeaderExtent(bytes), V3_MIN_HEADER_LENGTH + 8);
  if (bytes.length >= length || bytes.length < fileSize) return bytes;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  return padded;
}

/** Structures the file must hold in full; a file that ends before one was cut short. */
function truncation(fileSize: number, structures: ReadonlyArray<readonly [name: string, end: number]>): Problem | null {
  const cut = structures.find(([, end]) => end > fileSize);
  if (cut === undefined) return null;
  return {
    code: 'truncated',
    message: `The file ends at ${fileSize} bytes, before the end of its ${cut[0]} (${cut[1]}): it was cut short, perhaps by an interrupted copy, and data is lost.`,
  };
}

/**
 * Decodes the header of a qcow2 file from its first bytes; `fileSize` is the file's
 * length on disk. A few KiB hold the header of any image qemu-img writes; when they do
 * not, `needsBytes` asks for the first cluster.
 */
export function decodeQcow2Header(fileBytes: Uint8Array, fileSize: number): Qcow2Decoding {
  const problems: Problem[] = [];
  const bytes = padWithZeros(fileBytes, fileSize);
  if (bytes.length < V3_MIN_HEADER_LENGTH + 8) return { header: null, problems, needsBytes: V3_MIN_HEADER_LENGTH + 8 };
  const cutShort = truncation(fileSize, [['header', QCOW2_V2_HEADER_LENGTH]]);
  const invalid = (what: string): Qcow2Decoding => ({
    header: null,
    problems: [
      ...(cutShort ? [cutShort] : []),
      { code: 'invalid-header', message: `The qcow2 header makes no sense (${what}): QEMU cannot open this file.` },
    ],
  });

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3) return invalid(`version ${version}; QEMU knows 2 and 3`);

  const u64 = (offset: number): bigint => view.getBigUint64(offset);
  const num = (offset: number): number => Number(u64(offset));
  const backingFileOffset = num(8);
  const backingFileSize = view.getUint32(16);
  const clusterBits = view.getUint32(20);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
    return invalid(`cluster_bits ${clusterBits}; QEMU allows ${MIN_CLUSTER_BITS} to ${MAX_CLUSTER_BITS}`);
  }
  const clusterSize = 2 ** clusterBits;
  const virtualSize = num(24);
  const cryptMethod = view.getUint32(32);
  const snapshotCount = view.getUint32(60);
  if (snapshotCount > MAX_SNAPSHOTS) return invalid(`${snapshotCount} internal snapshots; QEMU allows ${MAX_SNAPSHOTS}`);

  let incompatible = 0n;
  let compatible = 0n;
  let autoclear = 0n;
  let refcountOrder = 4;
  let headerLength = QCOW2_V2_HEADER_LENGTH;
  let compressionType: Qcow2Details['compressionType'] = 'zlib';
  if (version === 3) {
    incompatible = u64(72);
    compatible = u64(80);
    autoclear = u64(88);
    refcountOrder = view.getUint32(96);
    headerLength = view.getUint32(100);
    if (headerLength < V3_MIN_HEADER_LENGTH || headerLength > clusterSize) return invalid(`header_length ${headerLength}`);
    if (headerLength > V3_MIN_HEADER_LENGTH) {
      const type = bytes[104];
      compressionType = type === 0 ? 'zlib' : type === 1 ? 'zstd' : 'unknown';
    }
  }
  if (refcountOrder > 6) return invalid(`refcount_order ${refcountOrder}`);

  // Header extensions, from header_length to the type-0 end marker.
  let backingFormat: string | null = null;
  let dataFile: string | null = null;
  let encryptionHeader: Qcow2Details['encryptionHeader'] = null;
  let bitmapCount = 0;
  const featureNames = new Map<string, string>();
  const extensionsEnd = Math.min(bytes.length, clusterSize);
  const moreInFile = bytes.length < Math.min(fileSize, clusterSize);
  const needMore: Qcow2Decoding = { header: null, problems: [], needsBytes: clusterSize };
  let offset = headerLength;
  for (let count = 0; count < MAX_EXTENSIONS; count++) {
    if (offset + 8 > extensionsEnd) {
      if (moreInFile) return needMore;
      break;
    }
    const type = view.getUint32(offset);
    const length = view.getUint32(offset + 4);
    if (type === 0) {
      offset += 8;
      break;
    }
    const data = offset + 8;
    if (data + length > extensionsEnd) {
      if (moreInFile) return needMore;
      return invalid(`header extension 0x${type.toString(16)} of ${length} bytes runs past the first cluster`);
    }
    const body = bytes.subarray(data, data + length);
    if (type === EXT_BACKING_FORMAT) backingFormat = text.decode(body);
    else if (type === EXT_DATA_FILE) dataFile = text.decode(body);
    else if (type === EXT_ENCRYPTION && length >= 16) encryptionHeader = { offset: num(data), length: num(data + 8) };
    else if (type === EXT_BITMAPS && length >= 4) bitmapCount = view.getUint32(data);
    else if (type === EXT_FEATURE_NAMES && (incompatible | compatible | autoclear) !== 0n) {
      // Only worth decoding when a bit is set: the table names the set bits.
      for (let entry = data; entry + 48 <= data + length; entry += 48) {
        const kind = FEATURE_KINDS[bytes[entry]!];
        if (kind === undefined) continue;
        const name = text.decode(bytes.subarray(entry + 2, entry + 48)).replace(/\0.*$/s, '');
        featureNames.set(`${kind}:${bytes[entry + 1]}`, name);
      }
    }
    offset = data + ((length + 7) & ~7);
  }

  let backingFile: string | null = null;
  if (backingFileOffset !== 0) {
    if (backingFileSize > MAX_BACKING_NAME) return invalid(`a backing file name of ${backingFileSize} bytes`);
    const end = backingFileOffset + backingFileSize;
    if (end > bytes.length && end <= clusterSize && moreInFile) return needMore;
    if (end > clusterSize || end > bytes.length) return invalid('the backing file name lies outside the first cluster');
    backingFile = text.decode(bytes.subarray(backingFileOffset, end));
  }

  const l1Size = view.getUint32(36);
  const l1TableOffset = num(40);
  const refcountTableOffset = num(48);
  const refcountTableClusters = view.getUint32(56);
  const cut = truncation(fileSize, [
    ['header', headerLength],
    ['header extensions', offset],
    ['backing file name', backingFileOffset + backingFileSize],
    ['refcount table', refcountTableOffset + refcountTableClusters * clusterSize],
    ['L1 table', l1TableOffset + l1Size * 8],
  ]);
  if (cut) problems.push(cut);

  const unknownIncompatible = incompatible & ~KNOWN_INCOMPATIBLE_BITS;
  if (unknownIncompatible !== 0n) {
    problems.push({
      code: 'invalid-header',
      message: `The header sets incompatible feature bits this QEMU does not know (${hex(unknownIncompatible)}): QEMU will refuse to open it.`,
    });
  }

  const dirty = (incompatible & 1n) !== 0n;
  const corrupt = (incompatible & 2n) !== 0n;
  const encrypted = cryptMethod !== 0;
  const details: Qcow2Details = {
    version,
    clusterSize,
    cryptMethod: cryptMethod === 0 ? 'none' : cryptMethod === 1 ? 'aes' : cryptMethod === 2 ? 'luks' : 'unknown',
    l1Size,
    l1TableOffset,
    refcountTableOffset,
    refcountTableClusters,
    snapshotCount,
    snapshotsOffset: num(64),
    incompatibleFeatures: hex(incompatible),
    compatibleFeatures: hex(compatible),
    autoclearFeatures: hex(autoclear),
    refcountBits: 2 ** refcountOrder,
    headerLength,
    compressionType,
    features: [
      ...setFeatures('incompatible', incompatible, featureNames),
      ...setFeatures('compatible', compatible, featureNames),
      ...setFeatures('autoclear', autoclear, featureNames),
    ],
    backingFileOffset,
    backingFileSize,
    encryptionHeader,
    bitmapCount,
  };
  return {
    header: { details, virtualSize, backingFile, backingFormat, dataFile, dirty, corrupt, encrypted },
    problems,
  };
}
