/**
 * What every planner shares: blockers as a code, a sentence and the alternatives, the
 * tools a plan needs, and a plan draft whose `changes` and `creates` are gathered from
 * its steps (so a file a step writes can never be left out of what the dialog shows).
 */
import { say, type Said } from '../messages/problems.js';
import type { Argv } from '../argv.js';
import type { Blocker, CancelBy, DomainLock, PlanDraft, ProgressSource, StepInput, TreeChange } from './plan.js';
import type { Intent, IntentInput } from './intent.js';
import type { World } from './world.js';
import type { Domain } from '../libvirt/model.js';
import { heldBy } from './dependents.js';

const sentence = (said: Said) => ({ key: said.key, message: said.message, values: { ...said.values } });

/** A sentence that suggests another way, and the intent that does it (the window's one click) or the commands the user runs. */
export type Offered = Said & { readonly intent?: IntentInput; readonly commands?: readonly string[] };
const offer = (said: Offered) => ({
  ...sentence(said),
  ...(said.intent ? { intent: said.intent } : {}),
  ...(said.commands ? { commands: [...said.commands] } : {}),
});

export function offering(said: Said, intent: IntentInput): Offered {
  return { ...said, intent };
}

export function blocker(code: string, said: Said, alternatives: readonly Offered[] = []): Blocker {
  return { code, ...sentence(said), alternatives: alternatives.map(offer) };
}

/**
 * Rule 2 where libvirt cannot help: a file of the merge that a QEMU has open, though no
 * running domain's chain holds it (a QEMU started by hand, another tool's guest). No block
 * job can reach it, and qemu-img must not write it or fold it away.
 */
export function heldOutside(world: World, files: readonly string[]): Blocker[] {
  return files.filter((path) => world.qemuHolds?.(path) === true && heldBy(world, path).length === 0).map((path) => blocker('held-outside', say('plans.merge.blocker.heldOutside', { path })));
}

/** The Debian package of each tool, as the Tools panel names it. */
const TOOL = { qemuImg: { name: 'qemu-img', package: 'qemu-utils' }, virsh: { name: 'virsh', package: 'libvirt-clients' } } as const;

/** The tool's path, or its bare name for the commands a blocked plan still shows. */
export function toolPath(world: World, tool: 'qemuImg' | 'virsh'): string {
  return world.tools[tool] ?? TOOL[tool].name;
}

/** A blocker per tool the plan needs that is not installed, in the Tools panel's words. */
export function missingTools(world: World, tools: readonly ('qemuImg' | 'virsh')[]): Blocker[] {
  return tools.filter((tool) => world.tools[tool] === null).map((tool) => blocker('tool-missing', say('tools.notInstalled', TOOL[tool])));
}

export function domainLock(uri: string, domain: Domain): DomainLock {
  return { uri, uuid: domain.uuid, name: domain.name };
}

export interface RunParts {
  readonly says: Said;
  readonly argv: Argv;
  readonly changes?: readonly string[];
  readonly creates?: readonly string[];
  readonly progress?: ProgressSource;
  readonly cancel?: CancelBy;
  readonly okExitCodes?: readonly number[];
  readonly optional?: boolean;
  readonly domain?: DomainLock & { readonly disk?: string };
  readonly keepOutput?: boolean;
  readonly makesFolders?: readonly string[];
}

/** A tool run: by default short and all-or-nothing (no progress; a cancel waits for it). */
export function runStep(parts: RunParts): StepInput {
  const { says, argv, changes = [], creates = [], makesFolders = [], progress = 'none', cancel = 'wait', okExitCodes, ...rest } = parts;
  return {
    op: 'run',
    says: sentence(says),
    argv: [...argv],
    changes: [...changes],
    creates: [...creates],
    makesFolders: [...makesFolders],
    progress,
    cancel,
    ...(okExitCodes ? { okExitCodes: [...okExitCodes] } : {}),
    ...rest,
  };
}

export interface DraftParts {
  readonly intent: Intent;
  readonly title: Said;
  readonly steps: readonly StepInput[];
  readonly unused?: readonly string[];
  readonly bytes?: number;
  readonly lost?: readonly Said[];
  readonly warnings?: readonly Offered[];
  readonly blockers: readonly Blocker[];
  readonly cancel: Said;
  readonly lockFiles: readonly string[];
  readonly lockDomains?: readonly DomainLock[];
  readonly tree?: TreeChange;
}

const unique = (paths: Iterable<string>): string[] => [...new Set(paths)];

export function draft(parts: DraftParts): PlanDraft {
  const creates = unique(parts.steps.flatMap((step) => (step.op === 'run' ? step.creates : [])));
  return {
    intent: parts.intent,
    title: sentence(parts.title),
    steps: [...parts.steps],
    changes: unique(parts.steps.flatMap((step) => step.changes)),
    creates,
    unused: [...(parts.unused ?? [])],
    bytes: parts.bytes ?? 0,
    lost: (parts.lost ?? []).map(sentence),
    warnings: (parts.warnings ?? []).map(offer),
    blockers: [...parts.blockers],
    cancel: sentence(parts.cancel),
    locks: { files: unique([...parts.lockFiles, ...creates]), domains: [...(parts.lockDomains ?? [])] },
    ...(parts.tree ? { tree: parts.tree } : {}),
  };
}

/** The folder of an absolute path (`/` for a file at the root). */
export function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** Letters, digits and `._+-` of a name, anything else `_`: a snapshot's name as part of a file name. */
export function fileNamePart(name: string): string {
  return name.replace(/[^\p{L}\p{N}._+-]/gu, '_').replace(/^\./, '_');
}

/** Blockers for new files: never over one that exists, never one file for two things. */
export function freshFileBlockers(world: World, paths: readonly string[]): Blocker[] {
  const blockers: Blocker[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (world.exists(path)) blockers.push(blocker('target-exists', say('plans.blocker.targetExists', { path }), [say('plans.alternative.otherName')]));
    else if (seen.has(path)) blockers.push(blocker('file-twice', say('plans.blocker.fileTwice', { path })));
    // The tools make no folder: the step would fail with nothing made.
    else if (world.isFolder?.(dirOf(path)) === false) blockers.push(blocker('no-folder', say('plans.blocker.noFolder', { path, folder: dirOf(path) }), [say('plans.alternative.otherName')]));
    seen.add(path);
  }
  return blockers;
}

/**
 * Blockers for files a domain's XML will name (a define, virsh's --diskspec): none with a
 * line break, which XML reads as a space, so that libvirt would use another file than the
 * plan names (measured).
 */
export function xmlPathBlockers(paths: readonly string[]): Blocker[] {
  return paths.filter((path) => path.includes('\n')).map((path) => blocker('path-newline', say('plans.blocker.pathNewline', { path }), [say('plans.alternative.otherName')]));
}

/** Blockers for new files that a domain's XML will name. */
export function newFileBlockers(world: World, paths: readonly string[]): Blocker[] {
  return [...xmlPathBlockers(paths), ...freshFileBlockers(world, paths)];
}
