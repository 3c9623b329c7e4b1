/**
 * libvirt as Snaptree shows it: connections, their domains, each domain's disks with
 * their whole chains, and its snapshot tree. Printed by `snaptree scan --connect`.
 */
import { z } from 'zod';
import { Sentence } from '../messages/sentence.js';

export const LibvirtProblemCode = z.enum(['stale-snapshot', 'snapshot-file-missing', 'chain-mismatch']);
/** As an image's Problem: the English `message`, and `key` and `values` for the window. */
export const LibvirtProblem = z.object({
  code: LibvirtProblemCode,
  message: z.string(),
  key: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type LibvirtProblem = z.infer<typeof LibvirtProblem>;

export const DomainDisk = z.object({
  target: z.string(),
  /** disk, cdrom, floppy, lun */
  device: z.string(),
  /** file, block, network, volume */
  type: z.string(),
  format: z.string().nullable(),
  /** The layer QEMU writes to; null for an empty cdrom or a network disk. */
  activePath: z.string().nullable(),
  /** Paths from the active layer down to the base, from `<backingStore>`. */
  chain: z.array(z.string()),
  readonly: z.boolean(),
  shareable: z.boolean(),
  /** The disk's own `snapshot` attribute (`no`: libvirt's snapshots leave it out), or null where it has none. */
  snapshot: z.string().nullable(),
  /** The `<disk>` element as libvirt wrote it, for the inspector. */
  xml: z.string(),
  /**
   * The block job libvirt runs on the disk now (`virsh blockjob --raw`), whoever started it:
   * read for running and paused domains only; absent where there is none or it was not read.
   */
  blockJob: z.object({ type: z.string(), cur: z.number(), end: z.number() }).optional(),
});
export type DomainDisk = z.infer<typeof DomainDisk>;
export type BlockJob = NonNullable<DomainDisk['blockJob']>;

export const SnapshotDisk = z.object({
  target: z.string(),
  snapshot: z.enum(['internal', 'external', 'no', 'manual']),
  /** For an external snapshot: the overlay made at that point. Its backing file holds the state. */
  file: z.string().nullable(),
});
export type SnapshotDisk = z.infer<typeof SnapshotDisk>;

export const Snapshot = z.object({
  name: z.string(),
  description: z.string().nullable(),
  parent: z.string().nullable(),
  /** running, paused, shutoff, disk-snapshot … */
  state: z.string(),
  createdAt: z.string(),
  current: z.boolean(),
  memory: z.enum(['no', 'internal', 'external']),
  memoryFile: z.string().nullable(),
  disks: z.array(SnapshotDisk),
  /** The image files that hold this snapshot's disk state (see the link step). */
  stateFiles: z.array(z.string()),
  /**
   * Its state files are intact but outside the domain's running chain: a branch kept after
   * a revert (reference 6.1). Revertable, not stale.
   */
  otherBranch: z.boolean(),
  problems: z.array(LibvirtProblem),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const Domain = z.object({
  name: z.string(),
  uuid: z.string(),
  /** running, paused, shut off … */
  state: z.string(),
  /** Why it is in that state: booted, user, destroyed, from snapshot … */
  stateReason: z.string().nullable(),
  persistent: z.boolean(),
  /** Whether it has a display (`<graphics>` or a video device): only then a snapshot keeps a screenshot. */
  display: z.boolean().default(false),
  disks: z.array(DomainDisk),
  snapshots: z.array(Snapshot),
  problems: z.array(LibvirtProblem),
});
export type Domain = z.infer<typeof Domain>;

/** Whether a libvirt daemon answers at a URI, and what it is. */
export const Daemon = z.object({
  uri: z.string(),
  reachable: z.boolean(),
  /** libvirt's own words when the daemon did not answer, or the core's English. */
  error: z.string().nullable(),
  /** When `error` is the core's sentence, not libvirt's: its key and values, for the window. */
  errorSentence: Sentence.optional(),
  libvirtVersion: z.string().nullable(),
  /** The driver's hypervisor as virsh names it (`QEMU`), and its version. */
  hypervisor: z.string().nullable(),
  hypervisorVersion: z.string().nullable(),
  /** libvirt >= 9.9 reports `<externalSnapshot/>`: it can revert external snapshots itself. */
  externalSnapshotRevert: z.boolean().nullable(),
});
export type Daemon = z.infer<typeof Daemon>;

export const Connection = Daemon.extend({ domains: z.array(Domain) });
export type Connection = z.infer<typeof Connection>;
