/**
 * The disk forest as the core reports it and the renderer draws it. The same shape is
 * printed by `snaptree scan --json` (docs/cli.md). Paths are file names as the system
 * holds them: a byte that is not UTF-8 is a lone surrogate (images/path-bytes.ts).
 */
import { z } from 'zod';

export const ImageFormat = z.enum(['qcow2', 'qcow', 'raw', 'qed', 'vmdk', 'vdi', 'vhdx', 'vpc', 'luks']);
export type ImageFormat = z.infer<typeof ImageFormat>;

/** An image's format as the scan saw it: 'unknown' when the file could not be read (its problem says why). */
export const ScannedFormat = z.union([ImageFormat, z.literal('unknown')]);
export type ScannedFormat = z.infer<typeof ScannedFormat>;

export const ProblemCode = z.enum([
  'missing-backing',
  'inexact-backing-name',
  'backing-not-a-file',
  'protocol-backing',
  'backing-loop',
  'backing-ambiguous',
  'backing-format-mismatch',
  'no-backing-format',
  'corrupt',
  'dirty',
  'encrypted',
  'unreadable',
  'truncated',
  'unknown-format',
  'invalid-header',
  'missing-data-file',
  'bad-extent',
  'orphan-overlay',
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

/**
 * `message` is the English sentence (CLI, JSON); `key` and `values` say the same for the
 * window's catalogues (shared/messages, renderer/src/i18n).
 */
export const Problem = z.object({
  code: ProblemCode,
  message: z.string(),
  key: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type Problem = z.infer<typeof Problem>;

/** An internal snapshot, as stored in the qcow2 snapshot table. */
export const InternalSnapshot = z.object({
  id: z.string(),
  name: z.string(),
  /** ISO 8601, from the table's seconds and nanoseconds. */
  date: z.string(),
  /** Guest run time when the snapshot was taken. */
  vmClockNs: z.number(),
  /** Bytes of saved memory state; 0 for a disk-only snapshot. */
  vmStateSize: z.number(),
  /** The virtual disk size when the snapshot was taken (qcow2 v3), else null. */
  diskSize: z.number().nullable(),
  /** Instruction count for record/replay; null when disabled (-1). */
  icount: z.number().nullable(),
});
export type InternalSnapshot = z.infer<typeof InternalSnapshot>;

export const Backing = z.object({
  /** The name exactly as the header stores it. */
  name: z.string(),
  /** Resolved as QEMU does: the overlay's directory joined with the name, not normalised. */
  path: z.string(),
  /** The backing format recorded in the header, or null when none was recorded. */
  format: z.string().nullable(),
  exists: z.boolean(),
  /** The `path` of the scanned image it resolves to, or null when missing (or a protocol such as `nbd:`). */
  image: z.string().nullable(),
});
export type Backing = z.infer<typeof Backing>;

/** Every field of a qcow2 header, for the inspector. */
export const Qcow2Details = z.object({
  version: z.number(),
  clusterSize: z.number(),
  cryptMethod: z.enum(['none', 'aes', 'luks', 'unknown']),
  l1Size: z.number(),
  l1TableOffset: z.number(),
  refcountTableOffset: z.number(),
  refcountTableClusters: z.number(),
  snapshotCount: z.number(),
  snapshotsOffset: z.number(),
  incompatibleFeatures: z.string(),
  compatibleFeatures: z.string(),
  autoclearFeatures: z.string(),
  refcountBits: z.number(),
  headerLength: z.number(),
  compressionType: z.enum(['zlib', 'zstd', 'unknown']),
  /** The set feature bits by name: from the image's own feature name table, else QEMU's names. */
  features: z.array(z.string()),
  backingFileOffset: z.number(),
  backingFileSize: z.number(),
  encryptionHeader: z.object({ offset: z.number(), length: z.number() }).nullable(),
  bitmapCount: z.number(),
});
export type Qcow2Details = z.infer<typeof Qcow2Details>;

export const Image = z.object({
  /** Absolute, as found while scanning. */
  path: z.string(),
  format: ScannedFormat,
  virtualSize: z.number().nullable(),
  /** Bytes the file really occupies on the host (sparse files occupy less). */
  actualSize: z.number(),
  backing: Backing.nullable(),
  snapshots: z.array(InternalSnapshot),
  encrypted: z.boolean(),
  corrupt: z.boolean(),
  dirty: z.boolean(),
  /** The external data file name as the header stores it, or null. */
  dataFile: z.string().nullable(),
  problems: z.array(Problem),
  /** The watched folder it was found in, or null for a backing file found outside them. */
  folder: z.string().nullable(),
  qcow2: Qcow2Details.nullable(),
  /** The libvirt domains whose disk chains hold this image; `active` on the layer QEMU writes to. */
  usedBy: z.array(z.object({ domain: z.string(), uuid: z.string(), target: z.string(), active: z.boolean() })),
});
export type Image = z.infer<typeof Image>;

export const Forest = z.object({
  images: z.array(Image),
  /** Watched folders that could not be scanned, with the reason. */
  errors: z.array(z.object({ path: z.string(), message: z.string(), key: z.string(), values: Problem.shape.values })),
  /**
   * Entries in the watched folders that are not shown, and why: a FIFO, a dangling or looping link …
   * `reason` in English (the CLI's), `key` and `values` for the window.
   */
  skipped: z.array(z.object({ path: z.string(), reason: z.string(), key: z.string(), values: Problem.shape.values })),
  scannedAt: z.string(),
});
export type Forest = z.infer<typeof Forest>;
