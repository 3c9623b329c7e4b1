/**
 * A Plan: everything a change will do, said before it runs (data-safety rule 5). Planners
 * make it from an Intent and the World (shared/plans/world.ts) with no I/O; the core adds
 * its `id`, and runs exactly that plan or none (a changed world is planned again and shown).
 */
import { z } from 'zod';
import { Sentence } from '../messages/sentence.js';
import { Intent } from './intent.js';

/** A libvirt domain as a job locks it: by connection and UUID (a name can be redefined). */
export const DomainLock = z.object({ uri: z.string(), uuid: z.string(), name: z.string() });
export type DomainLock = z.infer<typeof DomainLock>;

/** Which progress parser reads a step's output (shared/progress/). */
export const ProgressSource = z.enum([
  /** No progress: a short step. */
  'none',
  /** `qemu-img … -p`: `    (12.34/100%)` separated by `\r`, on stdout. */
  'qemu-img',
  /** `virsh blockcommit|blockpull … --wait --verbose`: `Block commit: [ 53 %]` on stderr. */
  'virsh-block-job',
  /** A memory snapshot: `virsh domjobinfo` polled while the step runs. */
  'domjobinfo',
]);
export type ProgressSource = z.infer<typeof ProgressSource>;

/** How a running step is stopped when the user cancels. */
export const CancelBy = z.enum([
  /** SIGINT to the process (qemu-img stops cleanly between clusters). */
  'sigint',
  /** `virsh blockjob --abort` on the step's disk, then the step's virsh ends by itself. */
  'blockjob-abort',
  /** `virsh domjobabort` (a memory snapshot being saved). */
  'domjobabort',
  /** Short and all-or-nothing: a cancel waits for it to end and stops before the next step. */
  'wait',
]);
export type CancelBy = z.infer<typeof CancelBy>;

const StepBase = {
  /** What the step does, for a person (a planner's key and values). */
  says: Sentence,
  /** Files the step writes into or creates. */
  changes: z.array(z.string()),
};

/** A tool run with its exact argument array (never a shell). */
export const RunStep = z.object({
  op: z.literal('run'),
  ...StepBase,
  argv: z.array(z.string()).min(1),
  /** Files the step creates: the runner refuses to start it if one exists (never overwrites). */
  creates: z.array(z.string()),
  /** Snaptree's own folders the step writes into (screenshots): made first if missing. Never a user's folder. */
  makesFolders: z.array(z.string()).default([]),
  progress: ProgressSource,
  cancel: CancelBy,
  /** Exit codes that count as success (`qemu-img check` reports findings with 2 and 3). */
  okExitCodes: z.array(z.number()).default([0]),
  /** A step whose failure does not fail the job (a screenshot): its failure is noted. */
  optional: z.boolean().default(false),
  /** The domain and disk a block job or domjobinfo poll is about. */
  domain: DomainLock.extend({ disk: z.string().optional() }).optional(),
  /** For a check: the step's stdout is the result shown in the inspector. */
  keepOutput: z.boolean().default(false),
});
export type RunStep = z.infer<typeof RunStep>;

/** A file the plan makes unused, renamed into `.snaptree-trash/<job id>/` beside it. */
export const TrashStep = z.object({ op: z.literal('trash'), ...StepBase, path: z.string() });
export type TrashStep = z.infer<typeof TrashStep>;

/** What a define step changes in a domain's persistent XML. */
export const DomainEdit = z.discriminatedUnion('kind', [
  /** A linked clone: new name, no UUID, no MAC addresses (libvirt makes new ones), disks on new files. */
  z.object({ kind: z.literal('clone'), name: z.string(), disks: z.record(z.string(), z.string()) }),
  /** A disk moved to another file (after a convert): its source and driver type. */
  z.object({ kind: z.literal('switch-disk'), target: z.string(), path: z.string(), format: z.string() }),
  /** Several disks moved at once onto new qcow2 overlays (an external revert: every disk of the snapshot). */
  z.object({ kind: z.literal('switch-disks'), disks: z.record(z.string(), z.string()) }),
]);
export type DomainEdit = z.infer<typeof DomainEdit>;

/**
 * `virsh dumpxml --inactive`, the edit, `virsh define`: the runner reads the domain's XML
 * when the step runs (the plan cannot hold it: libvirt may add defaults), changes only what
 * `edit` says, and defines the result. `shows` is the commands as the plan dialog shows them.
 */
export const DefineStep = z.object({
  op: z.literal('define'),
  ...StepBase,
  domain: DomainLock,
  virsh: z.string(),
  edit: DomainEdit,
  /** The definition a snapshot saved (`snapshot-dumpxml`: its <inactiveDomain>, else its <domain>) instead of the domain's own. */
  snapshot: z.string().optional(),
  shows: z.array(z.array(z.string())),
});
export type DefineStep = z.infer<typeof DefineStep>;

/** Deletes a job's trash folder for good (emptying the trash). */
export const PurgeStep = z.object({ op: z.literal('purge'), ...StepBase, folder: z.string(), bytes: z.number() });
export type PurgeStep = z.infer<typeof PurgeStep>;

/**
 * `virsh save-image-dumpxml MEM`, its disks set on new overlays, `virsh restore MEM --xml`:
 * a system checkpoint's guest back from its saved memory on a new branch (reference 6.1).
 * The runner reads the saved XML when the step runs; `shows` is the commands as the plan shows them.
 */
export const RestoreStep = z.object({
  op: z.literal('restore'),
  ...StepBase,
  domain: DomainLock,
  virsh: z.string(),
  memoryFile: z.string(),
  /** Disk target to its new overlay (qcow2). */
  disks: z.record(z.string(), z.string()),
  /** Left out: as the memory was saved. */
  then: z.enum(['running', 'paused']).optional(),
  shows: z.array(z.array(z.string())),
});
export type RestoreStep = z.infer<typeof RestoreStep>;

/**
 * A snapshot's record kept though its state was folded away by a merge: marked in its own
 * description (shared/libvirt/folded.ts) by redefining it from its XML, read when the step runs.
 */
export const MarkStep = z.object({
  op: z.literal('mark-folded'),
  ...StepBase,
  domain: DomainLock,
  virsh: z.string(),
  snapshot: z.string(),
  shows: z.array(z.array(z.string())),
});
export type MarkStep = z.infer<typeof MarkStep>;

export const Step = z.discriminatedUnion('op', [RunStep, TrashStep, DefineStep, PurgeStep, RestoreStep, MarkStep]);
export type Step = z.infer<typeof Step>;
export type StepInput = z.input<typeof Step>;

/**
 * A sentence that suggests another way ("pull instead", "take a snapshot of NOW first"), with
 * the intent that does it when the planner can say it exactly: the window offers it as one click.
 * Or with commands the user runs themselves (ending a job Snaptree did not start is theirs to
 * choose), as a shell needs them quoted: the window shows each to copy, the CLI on a line.
 */
export const Offer = Sentence.extend({ intent: Intent.optional(), commands: z.array(z.string()).optional() });
export type Offer = z.infer<typeof Offer>;

/** Why a plan cannot run, with what the user can do instead. A blocked plan never runs. */
export const Blocker = Sentence.extend({ code: z.string(), alternatives: z.array(Offer) });
/** As planners make it: an offer's intent as given, its defaults filled when the plan is parsed. */
export type Blocker = z.input<typeof Blocker>;

/** A snapshot as the plan dialog draws a domain's tree before and after: NOW hangs from the current one. */
export const TreeNode = z.object({ name: z.string(), parent: z.string().nullable(), current: z.boolean() });
export type TreeNode = z.infer<typeof TreeNode>;

/** A domain's snapshot tree before the plan runs and after it (a delete re-parents children; a revert moves NOW). */
export const TreeChange = z.object({ domain: z.string(), before: z.array(TreeNode), after: z.array(TreeNode) });
export type TreeChange = z.infer<typeof TreeChange>;

export const Plan = z.object({
  /** The core's fingerprint of this plan and the facts it stands on: a job names it to start. */
  id: z.string(),
  intent: Intent,
  /** One line for the dialog's title and the jobs panel: "Take snapshot s1 of web". */
  title: Sentence,
  steps: z.array(Step),
  /** Every file written into (existing) or created (new). */
  changes: z.array(z.string()),
  creates: z.array(z.string()),
  /** Files the plan makes unused: they go to the trash. */
  unused: z.array(z.string()),
  /** Bytes the plan copies or writes, estimated from allocated sizes. */
  bytes: z.number(),
  /** Snapshots whose state is lost or that can no longer be reverted to. */
  lost: z.array(Sentence),
  warnings: z.array(Offer),
  blockers: z.array(Blocker),
  /** What a cancel leaves behind, said before it runs. */
  cancel: Sentence,
  /** For a plan that changes a snapshot tree: the tree before and after. */
  tree: TreeChange.optional(),
  /** What the job holds while it runs: no other job touches these files and domains at once. */
  locks: z.object({ files: z.array(z.string()), domains: z.array(DomainLock) }),
});
export type Plan = z.infer<typeof Plan>;
/** A plan as a planner makes it, before the core gives it its id: one schema, made once (zod compiles each schema at its first parse). */
export const PlanDraftSchema = Plan.omit({ id: true });
/** What a planner returns: the core computes the id. */
export type PlanDraft = Omit<z.input<typeof Plan>, 'id'>;
