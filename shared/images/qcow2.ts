/**
 * The qcow2 header decoder: bytes in, header out. Pure, and total: truncated, empty
 * or nonsensical bytes become problems, never exceptions, and every loop is bounded.
 * Layout: qemu-libvirt-reference.md §1 (docs/interop/qcow2.txt).
 */
import type { imageProblems } from '../messages/image-problems.js';
import { say } from '../messages/problems.js';
import type { Problem, Qcow2Details } from './model.js';
import { decodePathBytes } from './path-bytes.js';
import type { BitmapDirectory } from './qcow2-bitmaps.js';

const QCOW2_V2_HEADER_LENGTH = 72;
const V3_MIN_HEADER_LENGTH = 104;
/** QEMU refuses clusters above 2 MiB and below 512 bytes. */
const MIN_CLUSTER_BITS = 9;
const MAX_CLUSTER_BITS = 21;
/** QEMU's own limits: QCOW_MAX_SNAPSHOTS and the 1023-byte backing name. */
const MAX_SNAPSHOTS = 65536;
const MAX_BACKING_NAME = 1023;

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

export interface Qcow2Header {
  readonly details: Qcow2Details;
  /** The disk the guest sees, in whole sectors; null when QEMU refuses the image. */
  readonly virtualSize: number | null;
  readonly backingFile: string | null;
  readonly backingFormat: string | null;
  readonly dataFile: string | null;
  /** The guest data lives in an external data file (incompatible bit 2), named or not. */
  readonly externalData: boolean;
  readonly dirty: boolean;
  readonly corrupt: boolean;
  readonly encrypted: boolean;
  /** The persistent bitmaps' directory QEMU reads last when it opens the image, if any. */
  readonly bitmapDirectory: BitmapDirectory | null;
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
  /**
   * Whether QEMU would go on to read the snapshot table: no check before it refused the
   * image. A table behind a refused header holds nothing worth reading (and may claim
   * 65,536 entries at any offset).
   */
  readonly readsSnapshotTable?: boolean;
}

const text = new TextDecoder('utf-8');

/** QEMU's limits (block/qcow2.h, 7.2): tables larger than these are refused. */
const MAX_REFTABLE_BYTES = 8n << 20n;
const MAX_L1_BYTES = 32n << 20n;
const SNAPSHOT_HEADER_BYTES = 40n;
const INT64_MAX = (1n << 63n) - 1n;
const INT_MAX = 2n ** 31n - 1n;
/** BDRV_MAX_LENGTH: INT64_MAX aligned down to 1 GiB; a larger disk is "File too large". */
const MAX_LENGTH = INT64_MAX - (INT64_MAX % (1n << 30n));
const SECTOR = 512n;
const KNOWN_INCOMPATIBLE = 0x1fn;
const INCOMPATIBLE_DATA_FILE = 4n;
const INCOMPATIBLE_COMPRESSION = 8n;
const INCOMPATIBLE_EXTENDED_L2 = 16n;
const AUTOCLEAR_BITMAPS = 1n;
const AUTOCLEAR_DATA_FILE_RAW = 2n;
const MAX_BITMAPS = 65535;
/** QCOW2_MAX_BITMAP_DIRECTORY_SIZE: room for the most bitmaps (65535) at the largest entry (1024 bytes). */
const MAX_BITMAP_DIRECTORY = 1024 * 65535;

/**
 * A C string as QEMU keeps one: the bytes up to the first NUL. QEMU reads names into
 * NUL-terminated buffers, so `base.qcow2\0\0\0` is the file `base.qcow2`.
 */
export function cString(bytes: Uint8Array): Uint8Array {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/** Thrown when a read reaches past the bytes given but not past the file's first cluster. */
class NeedsMore extends Error {}

/**
 * The bytes of the file from its start, read as QEMU reads them: zeros past its end.
 * A read past the bytes given but inside the file asks for the first cluster.
 */
class FileStart {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    /** How far the bytes given must reach: the file's end or its first cluster's, whichever comes first. */
    private readonly known: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  slice(offset: number, length: number): Uint8Array {
    if (offset + length <= this.bytes.length) return this.bytes.subarray(offset, offset + length);
    if (this.bytes.length < this.known) throw new NeedsMore();
    const out = new Uint8Array(length);
    if (offset < this.bytes.length) out.set(this.bytes.subarray(offset));
    return out;
  }

  u8(offset: number): number {
    return offset < this.bytes.length ? this.bytes[offset]! : this.slice(offset, 1)[0]!;
  }

  // Every header field is read through these, so the common case (inside the bytes
  // given) reads the view directly: a scan of 10,000 images reads 200,000 fields.
  u32(offset: number): number {
    if (offset + 4 <= this.bytes.length) return this.view.getUint32(offset);
    const b = this.slice(offset, 4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  u64(offset: number): bigint {
    if (offset + 8 <= this.bytes.length) return this.view.getBigUint64(offset);
    return (BigInt(this.u32(offset)) << 32n) | BigInt(this.u32(offset + 4));
  }
}

/** Bytes a qcow2 header may occupy: its first cluster, read as a whole (§1.5). */
function clusterSizeOf(bytes: Uint8Array): number | null {
  const bits = new FileStart(bytes, 0).u32(20);
  return bits >= MIN_CLUSTER_BITS && bits <= MAX_CLUSTER_BITS ? 2 ** bits : null;
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

/** Structures the file must hold in full; a file that ends before one was cut short. */
function truncation(fileSize: number, structures: ReadonlyArray<readonly [structure: keyof typeof imageProblems.structure, end: number]>): Problem | null {
  const cut = structures.find(([, end]) => end > fileSize);
  if (cut === undefined) return null;
  return { code: 'truncated', ...say('image.truncated.structure', { fileSize, structure: cut[0], end: cut[1] }) };
}

/** An image QEMU will not open, in QEMU's words: blocking, and no plan may use it. */
export function refusal(reason: string): Problem {
  return { code: 'invalid-header', ...say('image.invalidHeader', { reason }) };
}

/** QEMU's qcow2_validate_table: a table too large, or at an offset it cannot use. */
function tableRefusal(name: string, offset: bigint, entries: bigint, entryBytes: bigint, maxBytes: bigint, clusterSize: number): string | null {
  if (entries > maxBytes / entryBytes) return `${name} too large`;
  if (INT64_MAX - entries * entryBytes < offset || offset % BigInt(clusterSize) !== 0n) return `${name} offset invalid`;
  return null;
}

/** What the header extensions hold, as far as QEMU reads them. */
interface Extensions {
  backingFormat: string | null;
  dataFile: string | null;
  encryptionHeader: Qcow2Details['encryptionHeader'];
  bitmapCount: number;
  /** Where the bitmaps' directory is, when QEMU would read it (the autoclear bit set). */
  bitmapDirectory: BitmapDirectory | null;
  featureNames: Map<string, string>;
  /** Where the extensions end (after the end marker), for the truncation check. */
  end: number;
  /** QEMU's words when it would refuse the image for its extensions; what came before is kept. */
  refusal: string | null;
}

interface ExtensionContext {
  readonly clusterSize: number;
  readonly cryptMethod: number;
  readonly autoclear: bigint;
}

/**
 * QEMU's qcow2_read_extensions: from header_length up to `end` (the backing name's
 * offset, else the cluster's end), stopping at the end marker; with QEMU's words when it
 * would refuse the image.
 */
function readExtensions(file: FileStart, start: number, end: number, context: ExtensionContext): Extensions {
  const found: Extensions = { backingFormat: null, dataFile: null, encryptionHeader: null, bitmapCount: 0, bitmapDirectory: null, featureNames: new Map(), end: start, refusal: null };
  const refuse = (refusal: string): Extensions => ({ ...found, refusal });
  let offset = start;
  // Each step moves at least 8 bytes within one cluster, so the loop is bounded.
  while (offset < end) {
    const type = file.u32(offset);
    const length = file.u32(offset + 4);
    offset += 8;
    if (offset > end || length > end - offset) return refuse('Header extension too large');
    if (type === 0) {
      found.end = offset;
      return found;
    }
    const body = file.slice(offset, length);
    if (type === EXT_BACKING_FORMAT) {
      if (length >= 16) return refuse(`ERROR: ext_backing_format: len=${length} too large (>=16)`);
      // An empty name is no format at all to QEMU: it probes.
      const name = cString(body);
      found.backingFormat = name.length > 0 ? text.decode(name) : null;
    } else if (type === EXT_DATA_FILE) {
      found.dataFile = decodePathBytes(cString(body));
    } else if (type === EXT_ENCRYPTION) {
      if (context.cryptMethod !== 2) return refuse('CRYPTO header extension only expected with LUKS encryption method');
      if (length !== 16) return refuse(`CRYPTO header extension size ${length}, but expected size 16`);
      const pointer = { offset: Number(file.u64(offset)), length: Number(file.u64(offset + 8)) };
      if (pointer.offset % context.clusterSize !== 0) return refuse(`Encryption header offset '${pointer.offset}' is not a multiple of cluster size '${context.clusterSize}'`);
      found.encryptionHeader = pointer;
    } else if (type === EXT_BITMAPS) {
      if (length !== 24) return refuse('bitmaps_ext: Invalid extension length');
      // Without the autoclear bit QEMU takes the bitmaps as stale and ignores them.
      if ((context.autoclear & AUTOCLEAR_BITMAPS) !== 0n) {
        const count = file.u32(offset);
        if (file.u32(offset + 4) !== 0) return refuse('bitmaps_ext: Reserved field is not zero');
        if (count > MAX_BITMAPS) return refuse(`bitmaps_ext: Image has ${count} bitmaps, exceeding the QEMU supported maximum of ${MAX_BITMAPS}`);
        if (count === 0) return refuse('found bitmaps extension with zero bitmaps');
        if (file.u64(offset + 16) % BigInt(context.clusterSize) !== 0n) return refuse('bitmaps_ext: invalid bitmap directory offset');
        if (file.u64(offset + 8) > BigInt(MAX_BITMAP_DIRECTORY)) return refuse(`bitmaps_ext: bitmap directory size (${file.u64(offset + 8)}) exceeds the maximum supported size (${MAX_BITMAP_DIRECTORY})`);
        found.bitmapCount = count;
        found.bitmapDirectory = { offset: Number(file.u64(offset + 16)), size: Number(file.u64(offset + 8)), count };
      }
    } else if (type === EXT_FEATURE_NAMES) {
      for (let entry = 0; entry + 48 <= length; entry += 48) {
        const kind = FEATURE_KINDS[body[entry]!];
        if (kind === undefined) continue;
        found.featureNames.set(`${kind}:${body[entry + 1]}`, text.decode(cString(body.subarray(entry + 2, entry + 48))));
      }
    }
    offset += (length + 7) & ~7;
    found.end = offset;
  }
  return found;
}

/** QEMU's words for unknown incompatible bits, named from the image's own table where it has them. */
function unsupportedFeatures(unknown: bigint, names: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  let rest = unknown;
  for (let bit = 0n; bit < 64n; bit++) {
    const name = names.get(`incompatible:${bit}`);
    if ((rest >> bit) & 1n && name !== undefined && name !== '') {
      parts.push(name);
      rest &= ~(1n << bit);
    }
  }
  if (rest !== 0n) parts.push(`Unknown incompatible feature: ${rest.toString(16)}`);
  return `Unsupported qcow2 feature(s): ${parts.join(', ')}`;
}

/**
 * Decodes the header of a qcow2 file from its first bytes; `fileSize` is the file's
 * length on disk. The checks are QEMU 7.2's own (qcow2_do_open, as `qemu-img info`
 * opens an image: read-only, no data I/O), in its order and with its words, so that an
 * image QEMU would not open carries a blocking problem saying what QEMU would say. A few
 * KiB hold the header of any image qemu-img writes; when they do not, `needsBytes`
 * asks for the first cluster.
 */
export function decodeQcow2Header(bytes: Uint8Array, fileSize: number): Qcow2Decoding {
  const clusterSize = clusterSizeOf(bytes) ?? V3_MIN_HEADER_LENGTH + 8;
  try {
    return decode(new FileStart(bytes, Math.min(fileSize, clusterSize)), fileSize);
  } catch (error) {
    if (error instanceof NeedsMore) return { header: null, problems: [], needsBytes: clusterSize };
    throw error;
  }
}

function decode(file: FileStart, fileSize: number): Qcow2Decoding {
  const problems: Problem[] = [];
  // Past the version and cluster size, the fields still say what the image claims (its
  // backing file above all: a base that a refused overlay needs must not look unused),
  // so a refusal is noted, QEMU's first in QEMU's order, and reading goes on.
  let refused: string | null = null;
  const refuse = (reason: string): void => {
    refused ??= reason;
  };
  const unopenable = (reason: string): Qcow2Decoding => ({ header: null, problems: [...problems, refusal(reason)] });
  // A file that ends inside the fixed header was cut short, whatever QEMU makes of the rest.
  const headerCut = truncation(fileSize, [['header', QCOW2_V2_HEADER_LENGTH]]);
  if (headerCut) problems.push(headerCut);

  const version = file.u32(4);
  if (version !== 2 && version !== 3) return unopenable(`Unsupported qcow2 version ${version}`);
  const clusterBits = file.u32(20);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) return unopenable(`Unsupported cluster size: 2^${clusterBits}`);
  const clusterSize = 2 ** clusterBits;

  let incompatible = 0n;
  let compatible = 0n;
  let autoclear = 0n;
  let refcountOrder = 4;
  let headerLength = QCOW2_V2_HEADER_LENGTH;
  if (version === 3) {
    incompatible = file.u64(72);
    compatible = file.u64(80);
    autoclear = file.u64(88);
    refcountOrder = file.u32(96);
    headerLength = file.u32(100);
    if (headerLength < V3_MIN_HEADER_LENGTH) refuse('qcow2 header too short');
  }
  if (headerLength > clusterSize) refuse('qcow2 header exceeds cluster size');
  const backingFileOffset = file.u64(8);
  if (backingFileOffset > BigInt(clusterSize)) refuse('Invalid backing file offset');
  const extensionsEnd = backingFileOffset !== 0n ? Math.min(Number(backingFileOffset), clusterSize) : clusterSize;

  const compressionByte = headerLength > V3_MIN_HEADER_LENGTH ? file.u8(104) : 0;
  if (compressionByte > 1) refuse(`qcow2: unknown compression type: ${compressionByte}`);
  if (compressionByte === 0 && (incompatible & INCOMPATIBLE_COMPRESSION) !== 0n) refuse('qcow2: Compression type incompatible feature bit must not be set');
  if (compressionByte === 1 && (incompatible & INCOMPATIBLE_COMPRESSION) === 0n) refuse('qcow2: Compression type incompatible feature bit must be set');

  const cryptMethod = file.u32(32);
  const extensions = readExtensions(file, headerLength, extensionsEnd, { clusterSize, cryptMethod, autoclear });
  const unknownIncompatible = incompatible & ~KNOWN_INCOMPATIBLE;
  if (unknownIncompatible !== 0n) refuse(unsupportedFeatures(unknownIncompatible, extensions.featureNames));

  const extendedL2 = (incompatible & INCOMPATIBLE_EXTENDED_L2) !== 0n;
  if (extendedL2 && clusterSize / 32 < 2 ** MIN_CLUSTER_BITS) refuse(`Unsupported subcluster size: ${clusterSize / 32}`);
  if (refcountOrder > 6) refuse('Reference count entry width too large; may not exceed 64 bits');

  const refcountTableOffset = file.u64(48);
  const refcountTableClusters = file.u32(56);
  const snapshotCount = file.u32(60);
  const snapshotsOffset = file.u64(64);
  const l1Size = file.u32(36);
  const l1TableOffset = file.u64(40);
  const size = file.u64(24);
  if (refcountTableClusters === 0) refuse('Image does not contain a reference count table');
  const tables = [
    tableRefusal('Reference count table', refcountTableOffset, BigInt(refcountTableClusters), BigInt(clusterSize), MAX_REFTABLE_BYTES, clusterSize),
    tableRefusal('Snapshot table', snapshotsOffset, BigInt(snapshotCount), SNAPSHOT_HEADER_BYTES, SNAPSHOT_HEADER_BYTES * BigInt(MAX_SNAPSHOTS), clusterSize),
    tableRefusal('Active L1 table', l1TableOffset, BigInt(l1Size), 8n, MAX_L1_BYTES, clusterSize),
  ].find((refusal) => refusal !== null);
  if (tables) refuse(tables);

  // size_to_l1, in QEMU's unsigned 64-bit arithmetic (a sum past 2^64 wraps).
  const l2Bits = BigInt(clusterBits - (extendedL2 ? 4 : 3));
  const shift = BigInt(clusterBits) + l2Bits;
  const l1Needed = ((size + (1n << shift) - 1n) & ((1n << 64n) - 1n)) >> shift;
  if (l1Needed > INT_MAX) refuse('Image is too big');
  if (BigInt(l1Size) < l1Needed) refuse('L1 table is too small');
  if (cryptMethod > 2) refuse(`Unsupported encryption method ${cryptMethod | 0}`);
  if (extensions.refusal !== null) refuse(extensions.refusal);

  // `qemu-img info` opens a LUKS image without its LUKS header (it reads no data) and
  // then crashes on it (7.2, a NULL crypto context); QEMU running a guest refuses it.
  if (cryptMethod === 2 && extensions.encryptionHeader === null) refuse('Missing CRYPTO header for crypt method 2');
  // `qemu-img info` does not open the data file (so that it can inspect an untrusted
  // image), but QEMU running a guest does, and refuses these two.
  const hasDataFile = (incompatible & INCOMPATIBLE_DATA_FILE) !== 0n;
  if (hasDataFile && extensions.dataFile === null) {
    problems.push({ code: 'missing-data-file', ...say('image.missingDataFile.unnamed', { reason: "'data-file' is required for this image" }) });
  }
  if (!hasDataFile && (autoclear & AUTOCLEAR_DATA_FILE_RAW) !== 0n) {
    problems.push({ code: 'missing-data-file', ...say('image.missingDataFile.rawWithoutFile', { reason: 'data-file-raw requires a data file' }) });
  }

  const backingFileSize = file.u32(16);
  let backingFile: string | null = null;
  if (backingFileOffset !== 0n) {
    const offset = Number(backingFileOffset);
    if (offset > clusterSize || backingFileSize > Math.min(MAX_BACKING_NAME, clusterSize - offset)) {
      // A name cut to fit could name another, existing file: none is claimed.
      refuse('Backing file name too long');
    } else {
      // An empty name, or one that starts with NUL, is no backing file at all to QEMU.
      const name = cString(file.slice(offset, backingFileSize));
      // Kept byte for byte: the name must lead to the file QEMU opens, UTF-8 or not.
      backingFile = name.length > 0 ? decodePathBytes(name) : null;
    }
  }
  // The disk QEMU shows is whole sectors (total_sectors = size / 512).
  const virtualSize = (size / SECTOR) * SECTOR;
  // QEMU reads the snapshot table only when nothing above refused the image.
  const readsSnapshotTable = refused === null;
  // The block layer checks this after the driver has opened the image, snapshots and all.
  if (virtualSize > MAX_LENGTH) refuse('Could not refresh total sector count: File too large');

  const backingEnd = Number(backingFileOffset) + backingFileSize;
  const cut = headerCut ? null : truncation(fileSize, [
    ['header', headerLength],
    ['headerExtensions', extensions.end],
    ['backingFileName', backingFileOffset === 0n ? 0 : backingEnd],
    ['refcountTable', Number(refcountTableOffset) + refcountTableClusters * clusterSize],
    ['l1Table', Number(l1TableOffset) + l1Size * 8],
  ]);
  if (cut) problems.push(cut);
  const { backingFormat, encryptionHeader, bitmapCount, featureNames } = extensions;
  // Without the incompatible bit QEMU ignores a data file name (the guest data is here).
  const dataFile = hasDataFile ? extensions.dataFile : null;
  const compressionType: Qcow2Details['compressionType'] = compressionByte === 1 ? 'zstd' : 'zlib';

  const dirty = (incompatible & 1n) !== 0n;
  const corrupt = (incompatible & 2n) !== 0n;
  // An unknown method is a refusal (above), not encryption a passphrase would open.
  const encrypted = cryptMethod === 1 || cryptMethod === 2;
  const details: Qcow2Details = {
    version,
    clusterSize,
    cryptMethod: cryptMethod === 0 ? 'none' : cryptMethod === 1 ? 'aes' : cryptMethod === 2 ? 'luks' : 'unknown',
    l1Size,
    l1TableOffset: Number(l1TableOffset),
    refcountTableOffset: Number(refcountTableOffset),
    refcountTableClusters,
    snapshotCount,
    snapshotsOffset: Number(snapshotsOffset),
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
    backingFileOffset: Number(backingFileOffset),
    backingFileSize,
    encryptionHeader,
    bitmapCount,
  };
  return {
    // A disk QEMU will not open has no size a guest could see.
    header: { details, virtualSize: refused === null ? Number(virtualSize) : null, backingFile, backingFormat, dataFile, externalData: hasDataFile, dirty, corrupt, encrypted, bitmapDirectory: extensions.bitmapDirectory },
    // A file cut inside its header says so first: that is why QEMU refuses it.
    problems: refused === null ? problems : headerCut ? [headerCut, refusal(refused), ...problems.slice(1)] : [refusal(refused), ...problems],
    readsSnapshotTable,
  };
}
