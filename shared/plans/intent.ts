/**
 * What the user asked for, as data: one zod schema per kind. The window's dialogs and the
 * CLI's INTENT words both make these; a planner (shared/plans/<kind>.ts) turns one into a
 * Plan. Names and paths are kept exactly as given: a planner refuses what cannot work,
 * with a sentence, never by rewriting it.
 */
import { z } from 'zod';

const Path = z
  .string()
  .min(1)
  .refine((path) => path.startsWith('/'), 'must be an absolute path (starting with /)')
  .refine((path) => !path.includes('\0'), 'must not contain a NUL byte');
/** A libvirt domain by its connection and its name (the name is what virsh takes; the plan notes the UUID). */
const DomainRef = { uri: z.string().min(1), domain: z.string().min(1) };

/** A libvirt snapshot of a domain: internal, external disk-only, or a checkpoint with memory. */
export const SnapshotIntent = z
  .object({
    kind: z.literal('snapshot'),
    ...DomainRef,
    name: z.string(),
    description: z.string().optional(),
    snapshot: z.enum(['internal', 'disk-only', 'memory']).default('internal'),
    /** A checkpoint of a running domain taken while it runs (`--live`), not paused. */
    live: z.boolean().default(false),
    /** Freeze the guest's file systems through its agent first. */
    quiesce: z.boolean().default(false),
    /** External snapshots: the new overlay per disk target; a target left out gets the default name. */
    files: z.record(z.string(), Path).default({}),
    /** A checkpoint's memory file; left out, the default name. */
    memoryFile: Path.optional(),
  })
  .strict();

/** `qemu-img snapshot -c`: an internal snapshot in an image that no running domain holds. */
export const ImageSnapshotIntent = z.object({ kind: z.literal('image-snapshot'), image: Path, name: z.string() }).strict();

/** A new overlay on any image (a branch); `clone`: a linked-clone domain defined on it. */
export const OverlayIntent = z
  .object({
    kind: z.literal('overlay'),
    image: Path,
    path: Path,
    clone: z.object({ ...DomainRef, name: z.string().min(1) }).strict().optional(),
  })
  .strict();

/** The image's whole chain as a new qcow2 file; a domain's disk is switched to it. */
export const ConvertIntent = z.object({ kind: z.literal('convert'), image: Path, path: Path }).strict();

/** `qemu-img check` of an image (or its whole chain), repairing when asked. */
export const CheckIntent = z
  .object({ kind: z.literal('check'), image: Path, chain: z.boolean().default(false), repair: z.enum(['leaks', 'all']).optional() })
  .strict();

/** Deletes what jobs moved to the trash: every job's, or the named jobs'. */
export const TrashEmptyIntent = z.object({ kind: z.literal('trash-empty'), jobs: z.array(z.string()).optional() }).strict();

/**
 * Back to a libvirt snapshot: the domain comes back running or paused as asked, or as the
 * snapshot's state was. `first` takes a snapshot of NOW before the revert (the one-click
 * alternative the plan offers, since the revert loses the present state); `files` names
 * the fresh overlays an external revert on libvirt 9.0 makes, per disk target.
 */
export const RevertIntent = z
  .object({
    kind: z.literal('revert'),
    ...DomainRef,
    snapshot: z.string(),
    state: z.enum(['running', 'paused']).optional(),
    first: z.object({ snapshot: z.enum(['internal', 'disk-only', 'memory']), name: z.string() }).strict().optional(),
    files: z.record(z.string(), Path).default({}),
  })
  .strict();

/** `qemu-img snapshot -a`: an image that no domain uses back to one of its internal snapshots. */
export const ImageRevertIntent = z.object({ kind: z.literal('image-revert'), image: Path, name: z.string() }).strict();

/** A new domain `name`, a linked clone of the guest as it was at a snapshot; `files`: its new overlay per disk target. */
export const CloneIntent = z
  .object({ kind: z.literal('clone'), ...DomainRef, snapshot: z.string(), name: z.string(), files: z.record(z.string(), Path).default({}) })
  .strict();

/**
 * Deletes a libvirt snapshot: an internal one through libvirt, an external one folded into
 * its neighbours by Snaptree. `children`: its descendants too; `metadataOnly`: libvirt's
 * record alone, every file kept.
 */
export const DeleteIntent = z
  .object({ kind: z.literal('delete'), ...DomainRef, snapshot: z.string(), children: z.boolean().default(false), metadataOnly: z.boolean().default(false) })
  .strict();

/** `qemu-img snapshot -d`: an internal snapshot deleted from an image that no running domain holds. */
export const ImageSnapshotDeleteIntent = z.object({ kind: z.literal('image-snapshot-delete'), image: Path, name: z.string() }).strict();

/**
 * Merging chain nodes, the drag of the disk forest: `image` (and every layer between) folded
 * down into `into`, by default its immediate backing file. `keepMetadata` keeps libvirt's
 * records of the snapshots whose state the merge folds away (they can no longer be reverted to).
 */
export const CommitIntent = z.object({ kind: z.literal('commit'), image: Path, into: Path.optional(), keepMetadata: z.boolean().default(false) }).strict();

/** The data of the layers between copied up into `image`, which then backs onto `base`; no `base`: flattened, no backing file at all. */
export const PullIntent = z.object({ kind: z.literal('pull'), image: Path, base: Path.optional(), keepMetadata: z.boolean().default(false) }).strict();

export const Intent = z.discriminatedUnion('kind', [SnapshotIntent, ImageSnapshotIntent, OverlayIntent, ConvertIntent, CheckIntent, TrashEmptyIntent, RevertIntent, ImageRevertIntent, CloneIntent, DeleteIntent, ImageSnapshotDeleteIntent, CommitIntent, PullIntent]);
export type Intent = z.infer<typeof Intent>;
export type IntentInput = z.input<typeof Intent>;
export type IntentKind = Intent['kind'];
export type IntentOf<K extends IntentKind> = Extract<Intent, { kind: K }>;
