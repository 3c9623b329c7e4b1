/**
 * Merging chain nodes (design.md section 6, reference 2.5, 2.6 and 3.8): the drag of the
 * disk forest. A commit folds an overlay, and every layer between, down into an image below
 * it in its chain; a pull copies the data of the layers between up into an overlay, which
 * then backs onto the dragged image (or onto nothing: flattened). Each merge is done one
 * layer at a time with the delete's fold builders, on a chain graph each fold updates: a
 * block job where a QEMU runs on the layer, qemu-img where none does. The layers that leave
 * every chain go to the trash, and the libvirt snapshots whose state is folded away are
 * named as lost and their records removed (or kept, as asked).
 */
import { formatBytes } from '../format.js';
import { say, type Said } from '../messages/problems.js';
import type { Domain, Snapshot } from '../libvirt/model.js';
import { snapshotDeleteArgv } from '../virsh/snapshot-delete.js';
import { chainGraph, type ChainGraph } from './chain-graph.js';
import { commitInto, pullInto, treeAfter, type Fold } from './fold.js';
import { dependentsOf, imageAt } from './dependents.js';
import { committedBytes, pulledBytes, type MergeBytes } from './merge-bytes.js';
import { blocker, domainLock, draft, heldOutside, missingTools, offering, runStep, toolPath } from './draft.js';
import { snapshotDumpxmlArgv } from '../virsh/revert.js';
import { snapshotRedefineArgv } from '../virsh/snapshot-redefine.js';
import type { IntentOf } from './intent.js';
import type { Blocker, PlanDraft, StepInput, TreeChange } from './plan.js';
import type { Planner } from './planners.js';
import { chainBlockers, chainOf, sourceImage, UNREADABLE, UNSAFE_TO_WRITE } from './source.js';
import type { World } from './world.js';

type MergeIntent = IntentOf<'commit'> | IntentOf<'pull'>;

const emptyFold = (): Fold => ({ steps: [], blockers: [], warnings: [], unused: [], trash: [], lockFiles: [], domains: [], deleted: new Set(), bytes: 0 });

/** The image and the files below it as the headers lead, top first. */
function chainBelow(graph: ChainGraph, image: string): string[] {
  const chain = [image];
  for (let below = graph.backingOf(image); below !== null && !chain.includes(below); below = graph.backingOf(below)) chain.push(below);
  return chain;
}

/** What besides `except` uses a file: its other overlays, and the domains whose active layer it is. */
function usersOf(graph: ChainGraph, path: string, except: string | null): string[] {
  const overlays = graph.overlaysOf(path).filter((overlay) => overlay !== except);
  const domains = graph.disksOf(path).filter((use) => use.chain[0] === path).map((use) => use.domain.name);
  return [...new Set([...overlays, ...domains])];
}

/** Every layer the merge reads must be read right (rule 3): no encrypted, truncated or unknown file. */
function unreadable(world: World, read: readonly string[]): Blocker[] {
  return read.flatMap((path) => sourceImage(world, path, UNREADABLE).blockers);
}


const isExternal = (snapshot: Snapshot): boolean => snapshot.memory === 'external' || snapshot.disks.some((disk) => disk.snapshot === 'external');

interface LostSnapshot {
  readonly uri: string;
  readonly domain: Domain;
  readonly snapshot: Snapshot;
}

/**
 * The libvirt snapshots a merge makes unrevertable: one whose overlay or state file goes to
 * the trash, and an external one whose state file a commit writes into (an internal
 * snapshot in it keeps its own clusters; a pull leaves what its file reads as it was).
 */
function lostSnapshots(world: World, commit: { readonly top: string; readonly into: string } | null, unused: readonly string[]): LostSnapshot[] {
  const gone = new Set(unused);
  const lost = new Map<string, LostSnapshot>();
  for (const path of [...(commit === null ? [] : [commit.into]), ...unused]) {
    for (const use of dependentsOf(world, path).snapshots) {
      // The top's state lives on: the file committed into now reads as the top did, and the
      // snapshot's overlay is re-pointed onto it (as a delete's fold keeps it).
      if (commit !== null && path === commit.top && use.as === 'state') continue;
      const folded = gone.has(path) ? use.as !== 'memory' : use.as === 'state' && isExternal(use.snapshot);
      if (folded) lost.set(`${use.domain.uuid}\0${use.snapshot.name}`, { uri: use.uri, domain: use.domain, snapshot: use.snapshot });
    }
  }
  return [...lost.values()];
}

/**
 * A fold re-defines a shut-off disk on its chain's top after each layer; only the last of
 * those definitions says the chain as it ends up, and it runs after every layer's step.
 */
function lastDefines(steps: readonly StepInput[]): StepInput[] {
  const key = (step: StepInput) => (step.op === 'define' && step.edit.kind === 'switch-disk' ? `${step.domain.uuid}\0${step.edit.target}` : null);
  return steps.filter((step, at) => {
    const mine = key(step);
    return mine === null || !steps.slice(at + 1).some((later) => key(later) === mine);
  });
}

/** What every merge plan says besides its folds: the space, the trash, the lost snapshots and their records, the tools. */
function mergeDraft(intent: MergeIntent, world: World, title: Said, fold: Fold, written: string, mapped: MergeBytes | null, blockers: Blocker[], warnings: Said[]): PlanDraft {
  const lostOnes = lostSnapshots(world, intent.kind === 'commit' ? { top: intent.image, into: written } : null, fold.unused);
  const lost: Said[] = [
    ...lostOnes.map((one) => say('plans.merge.lost.snapshot', { name: one.snapshot.name, domain: one.domain.name })),
    ...fold.unused.flatMap((path) => (imageAt(world, path)?.snapshots ?? []).map((internal) => say('plans.merge.lost.internal', { name: internal.name, path }))),
  ];
  const steps = lastDefines(fold.steps);
  if (intent.keepMetadata) {
    if (lostOnes.length > 0) warnings.push(say('plans.merge.warning.metadataKept', { names: lostOnes.map((one) => one.snapshot.name).join(', ') }));
    // Kept, each record is marked: libvirt would revert it to what the merged files hold.
    for (const one of lostOnes) {
      const target = { virsh: toolPath(world, 'virsh'), uri: one.uri };
      steps.push({
        op: 'mark-folded',
        says: say('plans.merge.step.mark', { name: one.snapshot.name, domain: one.domain.name }),
        changes: [],
        domain: domainLock(one.uri, one.domain),
        virsh: target.virsh,
        snapshot: one.snapshot.name,
        shows: [[...snapshotDumpxmlArgv(target, one.domain.name, one.snapshot.name)], [...snapshotRedefineArgv(target, one.domain.name, '/dev/stdin')]],
      });
    }
  } else {
    // The user chooses: the records kept instead, each marked, in one click.
    if (lostOnes.length > 0) warnings.push(offering(say('plans.merge.warning.recordsRemoved', { names: lostOnes.map((one) => one.snapshot.name).join(', ') }), { ...intent, keepMetadata: true }));
    for (const one of lostOnes) {
      steps.push(runStep({ says: say('plans.merge.step.record', { name: one.snapshot.name, domain: one.domain.name }), argv: snapshotDeleteArgv({ virsh: toolPath(world, 'virsh'), uri: one.uri }, one.domain.name, one.snapshot.name, { metadataOnly: true }) }));
    }
  }
  // Files go once libvirt's records no longer name them.
  steps.push(...fold.trash);

  const { copied, added } = mapped ?? { copied: fold.bytes, added: fold.bytes };
  const free = world.freeBytes?.(written) ?? null;
  if (free !== null && free < added) blockers.push(blocker('no-space', say('plans.merge.blocker.noSpace', { path: written, size: formatBytes(added), free: formatBytes(free) })));
  const givesBack = fold.unused.reduce((sum, path) => sum + (imageAt(world, path)?.actualSize ?? 0), 0);
  if (givesBack > 0) warnings.push(say('plans.merge.warning.givesBack', { size: formatBytes(givesBack) }));

  const tool = (name: string) => steps.some((step) => step.op === 'run' && step.argv[0] === name);
  blockers.push(...missingTools(world, [...(tool(toolPath(world, 'qemuImg')) ? ['qemuImg' as const] : []), ...(tool(toolPath(world, 'virsh')) || fold.domains.length > 0 ? ['virsh' as const] : [])]));
  // The folds are the delete's: their "delete libvirt's record only" is no way to merge.
  blockers.push(...fold.blockers.map((one) => ({ ...one, alternatives: one.alternatives.filter((alternative) => alternative.key !== 'plans.delete.alternative.metadataOnly') })));
  return draft({
    intent,
    title,
    steps,
    unused: fold.unused,
    bytes: copied,
    lost,
    warnings,
    blockers,
    cancel: say('plans.merge.cancel'),
    // Every file a step writes too: an overlay re-pointed, the layer libvirt re-points.
    lockFiles: [...new Set([...fold.lockFiles, ...steps.flatMap((step) => step.changes)])],
    // The domains whose snapshot records the plan deletes or marks too.
    lockDomains: [...new Map([...fold.domains, ...lostOnes.map((one) => domainLock(one.uri, one.domain))].map((lock) => [lock.uuid, lock])).values()],
    ...treeOf(intent, lostOnes),
  });
}

/** The snapshot tree of the first domain whose records the merge removes, before and after. */
function treeOf(intent: MergeIntent, lost: readonly LostSnapshot[]): { tree?: TreeChange } {
  const first = lost[0];
  if (intent.keepMetadata || first === undefined) return {};
  const gone = new Set(lost.filter((one) => one.domain.uuid === first.domain.uuid).map((one) => one.snapshot.name));
  const before = first.domain.snapshots.map((snapshot) => ({ name: snapshot.name, parent: snapshot.parent, current: snapshot.current }));
  return { tree: { domain: first.domain.name, before, after: treeAfter(first.domain, gone) } };
}

/** A chain that loops has no bottom to fold into: its steps would name the wrong files, so none are shown. */
const looped = (blockers: readonly Blocker[]): boolean => blockers.some((one) => one.code === 'layer-backing-loop');

const blocked = (intent: MergeIntent, title: Said, blockers: Blocker[]): PlanDraft => draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });

/**
 * `image` and the layers down to `into` committed into `into`, the lowest layer first: each
 * commit writes into `into` alone, so rule 1 asks, before each, whether anything but that
 * layer uses `into` (a sibling branch, or a sibling of a layer committed earlier, which its
 * commit re-pointed onto `into`).
 */
export const planCommit: Planner<'commit'> = (intent, world): PlanDraft => {
  const graph = chainGraph(world);
  const known = graph.has(intent.image);
  const into = intent.into ?? (known ? graph.backingOf(intent.image) : null);
  const title = say('plans.merge.title.commit', { image: intent.image, into: into ?? '-' });
  const source = sourceImage(world, intent.image, UNREADABLE);
  if (source.image === null) return blocked(intent, title, [...source.blockers]);
  const unsure = chainBlockers(intent.image, chainOf(world, source.image));
  if (looped(unsure)) return blocked(intent, title, unsure);
  if (into === null) return blocked(intent, title, [blocker('is-base', say('plans.merge.blocker.isBase', { path: intent.image }))]);
  const chain = chainBelow(graph, intent.image);
  const at = chain.indexOf(into);
  if (at <= 0) return blocked(intent, title, [blocker('not-in-chain', say('plans.merge.blocker.notInChain', { path: into, image: intent.image }))]);

  const layers = chain.slice(0, at);
  const blockers = [...unreadable(world, layers), ...sourceImage(world, into, UNSAFE_TO_WRITE).blockers, ...heldOutside(world, chain.slice(0, at + 1)), ...unsure];
  const fold = emptyFold();
  fold.lockFiles.push(...chain.slice(0, at + 1));
  for (const layer of [...layers].reverse()) {
    const users = usersOf(graph, into, layer);
    if (users.length > 0) {
      blockers.push(baseShared(graph, intent.image, into, users));
      break;
    }
    fold.lockFiles.push(...graph.overlaysOf(layer));
    commitInto(world, fold, graph, layer, into);
  }
  return mergeDraft(intent, world, title, fold, into, committedBytes(world, intent.image, into, at), blockers, []);
};

/** Rule 1 in full: the same fold the other way (a pull into the dragged image), or the siblings moved off the base first. */
function baseShared(graph: ChainGraph, image: string, into: string, users: readonly string[]): Blocker {
  const below = graph.backingOf(into);
  const pull =
    below === null
      ? offering(say('plans.merge.alternative.pullFlatten', { image, into }), { kind: 'pull', image })
      : offering(say('plans.merge.alternative.pull', { image, into, base: below }), { kind: 'pull', image, base: below });
  const siblings = users.filter((user) => graph.has(user));
  const alternatives = siblings.length > 0 ? [pull, say('plans.merge.alternative.rebaseSiblings', { users: siblings.join(', '), path: into })] : [pull];
  return blocker('base-shared', say('plans.merge.blocker.baseShared', { path: into, users: users.join(', ') }), alternatives);
}

/**
 * The layers between `image` and `base` pulled up into `image`, nearest first, each by one
 * safe rebase (or block pull) onto the layer below it: every step leaves a valid chain.
 */
export const planPull: Planner<'pull'> = (intent, world): PlanDraft => {
  const graph = chainGraph(world);
  const title = intent.base === undefined ? say('plans.merge.title.flatten', { image: intent.image }) : say('plans.merge.title.pull', { image: intent.image, base: intent.base });
  const source = sourceImage(world, intent.image, UNSAFE_TO_WRITE);
  if (source.image === null) return blocked(intent, title, [...source.blockers]);
  const unsure = chainBlockers(intent.image, chainOf(world, source.image));
  if (looped(unsure)) return blocked(intent, title, unsure);
  const chain = chainBelow(graph, intent.image);
  const at = intent.base === undefined ? chain.length : chain.indexOf(intent.base);
  if (at <= 0) return blocked(intent, title, [blocker('not-in-chain', say('plans.merge.blocker.notInChain', { path: intent.base!, image: intent.image }))]);
  const layers = chain.slice(1, at);
  if (layers.length === 0) return blocked(intent, title, [blocker('nothing-between', say('plans.merge.blocker.nothingBetween', { image: intent.image, base: intent.base! }))]);

  const blockers = [...source.blockers, ...unreadable(world, layers), ...heldOutside(world, chain.slice(0, at + 1)), ...unsure];
  // Its internal snapshots read through to the layers below: after the pull they would read other data.
  const internal = source.image.snapshots.map((snapshot) => snapshot.name);
  if (internal.length > 0) blockers.push(blocker('overlay-has-internal', say('plans.delete.blocker.overlayHasInternal', { path: intent.image, snapshots: internal.join(', ') })));
  const live = graph.disksOf(intent.image).find((use) => use.running && use.chain[0] !== intent.image);
  if (live) {
    blockers.push(blocker('pull-not-active', say('plans.merge.blocker.pullNotActive', { path: intent.image, domain: live.domain.name }), [say('plans.delete.alternative.shutOff', { domain: live.domain.name })]));
    return blocked(intent, title, blockers);
  }
  const fold = emptyFold();
  fold.lockFiles.push(...chain.slice(0, at + 1));
  for (const layer of layers) pullInto(world, fold, graph, intent.image, layer);

  // A layer another branch or domain still reads stays; one nothing uses any more goes to the trash.
  const warnings: Said[] = [];
  const gone = new Set<string>();
  for (const layer of layers) {
    const users = usersOf(graph, layer, null).filter((user) => !gone.has(user));
    if (users.length > 0) {
      warnings.push(say('plans.delete.warning.stillUsed', { path: layer, users: users.join(', ') }));
      continue;
    }
    gone.add(layer);
    fold.unused.push(layer);
    fold.trash.push({ op: 'trash', says: say('plans.step.trashSource', { path: layer }), changes: [layer], path: layer });
  }
  return mergeDraft(intent, world, title, fold, intent.image, pulledBytes(world, intent.image, at), blockers, warnings);
};
