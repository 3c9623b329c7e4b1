/**
 * Deleting a libvirt snapshot (design.md section 6, reference 3.7 and 6.2). An internal one
 * through libvirt, which removes it from the qcow2 too. An external one is folded by
 * Snaptree itself, never by libvirt's own delete: libvirt 9.0 refuses one with children or
 * an internal parent, and deletes a file that another branch still reads (6.2). Per disk,
 * the overlay O made at the snapshot is merged with the file B below it (the snapshot's
 * state): O committed into B where nothing but O uses B, else B's data pulled up into O
 * (B must not change under its other users, rule 1). Then libvirt's record goes
 * (`--metadata`, which re-parents the children and moves "current" to the parent, as
 * measured on 9.0), and the files made unused go to the trash.
 */
import { say } from '../messages/problems.js';
import type { Domain, Snapshot } from '../libvirt/model.js';
import { snapshotDeleteArgv } from '../virsh/snapshot-delete.js';
import type { VirshTarget } from '../virsh/connection.js';
import { snapshotArgv } from '../qemu-img/snapshot.js';
import { chainGraph, type ChainGraph } from './chain-graph.js';
import { commitInto, pullInto, treeAfter, type Fold } from './fold.js';
import { heldBy, imageAt, qemuRuns } from './dependents.js';
import { chainBlockers, chainOf, sourceImage, UNREADABLE, UNSAFE_TO_WRITE } from './source.js';
import { blocker, domainLock, draft, heldOutside, missingTools, runStep, toolPath } from './draft.js';
import type { IntentOf } from './intent.js';
import type { Blocker, PlanDraft } from './plan.js';
import type { Planner } from './planners.js';
import type { World } from './world.js';

type DeleteIntent = IntentOf<'delete'>;

const isExternal = (snapshot: Snapshot): boolean => snapshot.memory === 'external' || snapshot.disks.some((disk) => disk.snapshot === 'external');

/** The snapshot's descendants, leaves first, then the snapshot itself: each fold finds no child left on its files. */
function leavesFirst(domain: Domain, root: Snapshot): Snapshot[] {
  const children = domain.snapshots.filter((candidate) => candidate.parent === root.name);
  return [...children.flatMap((child) => leavesFirst(domain, child)), root];
}

/** The snapshot, then each descendant below its parent. */
function rootFirst(domain: Domain, root: Snapshot): Snapshot[] {
  const children = domain.snapshots.filter((candidate) => candidate.parent === root.name);
  return [root, ...children.flatMap((child) => rootFirst(domain, child))];
}

/** Folds one disk of an external snapshot: O (its overlay) with B (the file below it, the snapshot's state). */
function foldDisk(world: World, fold: Fold, graph: ChainGraph, snapshot: Snapshot, target: string, overlay: string): void {
  const base = graph.has(overlay) ? graph.backingOf(overlay) : null;
  if (base === null || !graph.has(base)) {
    // The overlay itself, or the backing file its header names.
    const missing = graph.has(overlay) ? (imageAt(world, overlay)?.backing?.path ?? overlay) : overlay;
    fold.blockers.push(blocker('file-missing', say('plans.delete.blocker.fileMissing', { name: snapshot.name, target, path: missing }), [say('plans.delete.alternative.metadataOnly')]));
    return;
  }
  fold.lockFiles.push(overlay, base);
  // A QEMU libvirt does not run (started by hand, another host's guest) has them open: qemu-img must not write under it.
  const outside = heldOutside(world, [overlay, base]);
  if (outside.length > 0) {
    fold.blockers.push(...outside);
    return;
  }
  // What stops the fold's tool from reading and writing them as the guest sees them, as a
  // commit or pull of them would be stopped: a header QEMU refuses, a backing format named
  // wrongly or not at all (a commit would write over B's header), a loop, two chains by path.
  const overlayImage = imageAt(world, overlay);
  const unsafe = [...sourceImage(world, overlay, UNREADABLE).blockers, ...sourceImage(world, base, UNSAFE_TO_WRITE).blockers, ...(overlayImage === undefined ? [] : chainBlockers(overlay, chainOf(world, overlayImage)))];
  if (unsafe.length > 0) {
    fold.blockers.push(...unsafe);
    return;
  }
  // O's own internal snapshots read through to B: trashing O loses them, and pulling B's data up changes what they restore.
  const internal = (imageAt(world, overlay)?.snapshots ?? []).filter((one) => !fold.deleted.has(one.name));
  if (internal.length > 0) {
    fold.blockers.push(blocker('overlay-has-internal', say('plans.delete.blocker.overlayHasInternal', { path: overlay, snapshots: internal.map((one) => one.name).join(', ') }), [say('plans.delete.alternative.metadataOnly')]));
    return;
  }
  // B may be written only where O is all that reads it: no other overlay, no chain that skips O (rule 1).
  const onlyOverlay = graph.overlaysOf(base).every((path) => path === overlay);
  const onlyThroughOverlay = graph.disksOf(base).every((use) => use.chain.includes(overlay));
  if (onlyOverlay && onlyThroughOverlay) commitInto(world, fold, graph, overlay, base);
  else pullInto(world, fold, graph, overlay, base);
}

/**
 * An internal snapshot whose image a revert took out of the running chain. Measured on
 * libvirt 9.0: a running domain's delete is refused (`disk image 'vda' for internal snapshot
 * … is not the same as disk image currently used by VM`); a shut-off one's works. qemu-img
 * deletes it from the image that carries it either way (no QEMU holds that one, rule 2),
 * then libvirt's record goes.
 */
function internalElsewhere(world: World, fold: Fold, snapshot: Snapshot, virsh: VirshTarget, domain: Domain): void {
  for (const path of snapshot.stateFiles) {
    const held = heldBy(world, path)[0];
    if (held) fold.blockers.push(blocker('held-by-qemu', say('plans.blocker.heldByQemu', { path, domain: held.domain.name }), [say('plans.delete.alternative.metadataOnly')]));
    const carrier = imageAt(world, path);
    const id = carrier?.snapshots.find((one) => one.name === snapshot.name)?.id ?? '?';
    fold.steps.push(
      runStep({ says: say('plans.delete.step.imageSnapshot', { name: snapshot.name, id, path }), argv: snapshotArgv(toolPath(world, 'qemuImg'), path, carrier?.format ?? 'qcow2', { kind: 'delete', name: snapshot.name }), changes: [path] }),
    );
    fold.lockFiles.push(path);
  }
  fold.steps.push(runStep({ says: say('plans.delete.step.record', { name: snapshot.name, domain: domain.name }), argv: snapshotDeleteArgv(virsh, domain.name, snapshot.name, { metadataOnly: true }) }));
  fold.deleted.add(snapshot.name);
}

function deleteSteps(intent: DeleteIntent, world: World, domain: Domain, order: readonly Snapshot[], fold: Fold): void {
  const graph = chainGraph(world);
  const virsh = { virsh: toolPath(world, 'virsh'), uri: intent.uri };
  for (const snapshot of order) {
    if (intent.metadataOnly) {
      fold.steps.push(runStep({ says: say('plans.delete.step.metadata', { name: snapshot.name, domain: domain.name }), argv: snapshotDeleteArgv(virsh, domain.name, snapshot.name, { metadataOnly: true }) }));
      fold.deleted.add(snapshot.name);
      continue;
    }
    if (!isExternal(snapshot) && snapshot.otherBranch) {
      internalElsewhere(world, fold, snapshot, virsh, domain);
      continue;
    }
    if (!isExternal(snapshot)) {
      if (snapshot.problems.some((problem) => problem.code === 'stale-snapshot')) {
        fold.blockers.push(blocker('internal-stale', say('plans.delete.blocker.internalStale', { name: snapshot.name, domain: domain.name }), [say('plans.delete.alternative.metadataOnly')]));
      }
      // Measured on libvirt 9.0: while the domain runs, it deletes an internal snapshot only
      // from the layer QEMU writes ("disk image 'vda' for internal snapshot … is not the same
      // as disk image currently used by VM"); one in a layer below an external snapshot's
      // overlay waits until the domain is shut off. Refused here, before any step runs.
      const active = new Set(domain.disks.flatMap((disk) => (disk.activePath === null ? [] : [disk.activePath])));
      const below = snapshot.stateFiles.find((path) => !active.has(path));
      if (qemuRuns(domain) && below !== undefined) {
        fold.blockers.push(blocker('internal-below-active', say('plans.delete.blocker.internalBelowActive', { name: snapshot.name, domain: domain.name, path: below }), [say('plans.delete.alternative.shutOff', { domain: domain.name })]));
      }
      fold.steps.push(runStep({ says: say('plans.delete.step.internal', { name: snapshot.name, domain: domain.name }), argv: snapshotDeleteArgv(virsh, domain.name, snapshot.name), changes: snapshot.stateFiles }));
      fold.lockFiles.push(...snapshot.stateFiles);
      fold.deleted.add(snapshot.name);
      continue;
    }
    for (const disk of snapshot.disks) if (disk.snapshot === 'external' && disk.file !== null) foldDisk(world, fold, graph, snapshot, disk.target, disk.file);
    fold.steps.push(runStep({ says: say('plans.delete.step.record', { name: snapshot.name, domain: domain.name }), argv: snapshotDeleteArgv(virsh, domain.name, snapshot.name, { metadataOnly: true }) }));
    fold.deleted.add(snapshot.name);
    if (snapshot.memory === 'external' && snapshot.memoryFile !== null && world.exists(snapshot.memoryFile)) {
      fold.unused.push(snapshot.memoryFile);
      fold.lockFiles.push(snapshot.memoryFile);
      fold.trash.push({ op: 'trash', says: say('plans.delete.step.trashMemory', { path: snapshot.memoryFile, name: snapshot.name }), changes: [snapshot.memoryFile], path: snapshot.memoryFile });
    }
  }
  // Files go once libvirt's records no longer name them.
  fold.steps.push(...fold.trash);
}

/**
 * A fold must see every image that stands on the files it writes or trashes: an overlay of
 * another branch, in no running chain, is found only by a scan of its folder. A file the
 * domain's snapshots name that is there but was not scanned may be one: blocked, not guessed.
 */
function unscanned(world: World, domain: Domain): Blocker[] {
  const named = domain.snapshots.flatMap((snapshot) => snapshot.disks.flatMap((disk) => (disk.snapshot === 'external' && disk.file !== null ? [disk.file] : [])));
  const unseen = [...new Set(named)].filter((path) => world.exists(path) && imageAt(world, path) === undefined);
  return unseen.length === 0 ? [] : [blocker('files-unscanned', say('plans.delete.blocker.filesUnscanned', { files: unseen.join(', ') }), [say('plans.delete.alternative.scanFolders'), say('plans.delete.alternative.metadataOnly')])];
}

/** The files a metadata-only delete leaves as they were: the overlays, the state and memory files. */
function keptFiles(order: readonly Snapshot[]): string[] {
  return [...new Set(order.flatMap((snapshot) => [...snapshot.disks.flatMap((disk) => (disk.file === null ? [] : [disk.file])), ...snapshot.stateFiles, ...(snapshot.memoryFile === null ? [] : [snapshot.memoryFile])]))];
}

export const planDelete: Planner<'delete'> = (intent, world): PlanDraft => {
  const names = { name: intent.snapshot, domain: intent.domain };
  const title = say(intent.metadataOnly ? 'plans.delete.title.metadata' : intent.children ? 'plans.delete.title.children' : 'plans.delete.title.domain', names);
  const blockers = missingTools(world, ['virsh']);
  const domain = world.connections.find((connection) => connection.uri === intent.uri)?.domains.find((candidate) => candidate.name === intent.domain);
  const root = domain?.snapshots.find((candidate) => candidate.name === intent.snapshot);
  if (domain === undefined || root === undefined) {
    blockers.push(domain === undefined ? blocker('no-domain', say('plans.blocker.noDomain', { domain: intent.domain, uri: intent.uri })) : blocker('no-snapshot', say('plans.delete.blocker.noSnapshot', { name: intent.snapshot, domain: intent.domain })));
    return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });
  }
  const folded = (order: Snapshot[]) => {
    const fold: Fold = { steps: [], blockers: [], warnings: [], unused: [], trash: [], lockFiles: domain.disks.flatMap((disk) => disk.chain), domains: [domainLock(intent.uri, domain)], deleted: new Set(), bytes: 0 };
    deleteSteps(intent, world, domain, order, fold);
    return { order, fold };
  };
  // Leaves first, each fold on the chain the ones below it left. Where that is blocked, the
  // other way round may not be: after a revert (reference 6.2), pulling the old branch's
  // layers down first makes the snapshot's own state shared, which committing it first avoids.
  let { order, fold } = folded(intent.children ? leavesFirst(domain, root) : [root]);
  if (intent.children && fold.blockers.length > 0) {
    const other = folded(rootFirst(domain, root));
    if (other.fold.blockers.length === 0) ({ order, fold } = other);
  }
  blockers.push(...fold.blockers);
  if (!intent.metadataOnly) blockers.push(...unscanned(world, domain));
  if (fold.steps.some((step) => step.op === 'run' && step.argv[0] === toolPath(world, 'qemuImg'))) blockers.push(...missingTools(world, ['qemuImg']));

  if (intent.metadataOnly) fold.warnings.push(say('plans.delete.warning.filesKept', { files: keptFiles(order).join(', ') || '-' }));
  else if (!intent.children && domain.snapshots.some((snapshot) => snapshot.parent === root.name)) {
    fold.warnings.push(say('plans.delete.warning.reparented', { name: root.name, parent: root.parent ?? '-' }));
  }
  const lost = order.map((snapshot) => say(snapshot.memory === 'no' ? 'plans.delete.lost.state' : 'plans.delete.lost.memory', { name: snapshot.name, domain: domain.name }));
  const gone = new Set(order.map((snapshot) => snapshot.name));
  const before = domain.snapshots.map((snapshot) => ({ name: snapshot.name, parent: snapshot.parent, current: snapshot.current }));
  return draft({
    intent,
    title,
    steps: fold.steps,
    unused: fold.unused,
    bytes: fold.bytes,
    lost,
    warnings: fold.warnings,
    blockers,
    cancel: intent.metadataOnly ? say('plans.delete.cancel.metadata') : say('plans.delete.cancel.domain', { name: root.name }),
    // Every file a step writes too: an overlay of another branch re-pointed, the layer libvirt re-points.
    lockFiles: [...new Set([...fold.lockFiles, ...fold.steps.flatMap((step) => step.changes)])],
    lockDomains: [...new Map(fold.domains.map((lock) => [lock.uuid, lock])).values()],
    tree: { domain: domain.name, before, after: treeAfter(domain, gone) },
  });
};
