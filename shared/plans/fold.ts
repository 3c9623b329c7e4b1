/**
 * A merge of two neighbouring layers, as a plan's steps: the overlay committed down into the
 * file below it where nothing else reads that file, or that file's data pulled up into the
 * overlay where others do (rule 1). By a block job where a QEMU runs on the chain, else by
 * qemu-img; shut-off domains defined again on the chain as it then is. Deleting a snapshot
 * (delete.ts) and dragging one chain node onto another (merge.ts) are both made of these.
 * Each merge also updates the plan's chain graph, so that the next one sees the chains it
 * leaves. Pure: no I/O.
 */
import { say, type Said } from '../messages/problems.js';
import type { Domain } from '../libvirt/model.js';
import { commitArgv } from '../qemu-img/commit.js';
import { rebaseArgv } from '../qemu-img/rebase.js';
import { blockcommitArgv } from '../virsh/blockcommit.js';
import { blockpullArgv } from '../virsh/blockpull.js';
import { defineArgv, dumpxmlInactiveArgv } from '../virsh/define.js';
import type { ChainGraph, DiskChain } from './chain-graph.js';
import { imageAt } from './dependents.js';
import { blocker, domainLock, runStep, toolPath } from './draft.js';
import type { Blocker, DomainLock, StepInput, TreeNode } from './plan.js';
import type { World } from './world.js';

/** What the folds of a plan gather, snapshot after snapshot. */
export interface Fold {
  readonly steps: StepInput[];
  readonly blockers: Blocker[];
  readonly warnings: Said[];
  readonly unused: string[];
  /** Trash steps: they run after every fold and every record is done. */
  readonly trash: StepInput[];
  readonly lockFiles: string[];
  readonly domains: DomainLock[];
  /** libvirt snapshots this plan has deleted by the time a fold runs (an internal child, leaves first). */
  readonly deleted: Set<string>;
  bytes: number;
}

/** The tree after the snapshots go: each child hangs from its nearest kept ancestor, and "current" moves up the same way. */
export function treeAfter(domain: Domain, gone: ReadonlySet<string>): TreeNode[] {
  const parents = new Map(domain.snapshots.map((snapshot) => [snapshot.name, snapshot.parent]));
  const kept = (name: string | null): string | null => {
    let at = name;
    while (at !== null && gone.has(at)) at = parents.get(at) ?? null;
    return at;
  };
  const current = kept(domain.snapshots.find((snapshot) => snapshot.current)?.name ?? null);
  return domain.snapshots.filter((snapshot) => !gone.has(snapshot.name)).map((snapshot) => ({ name: snapshot.name, parent: kept(snapshot.parent), current: snapshot.name === current }));
}

export function defineStep(world: World, use: DiskChain, path: string, format: string): StepInput {
  const virsh = { virsh: toolPath(world, 'virsh'), uri: use.uri };
  return {
    op: 'define',
    says: say('plans.delete.step.switchDisk', { domain: use.domain.name, target: use.target, path }),
    changes: [],
    domain: domainLock(use.uri, use.domain),
    virsh: virsh.virsh,
    edit: { kind: 'switch-disk', target: use.target, path, format },
    shows: [[...dumpxmlInactiveArgv(virsh, use.domain.name)], [...defineArgv(virsh, '/dev/stdin')]],
  };
}

/**
 * Measured on libvirt 9.0: a shut-off domain's persistent XML keeps the `<backingStore>`
 * it had, and libvirt starts it on that chain (`Cannot access backing file` once a layer is
 * gone). Every shut-off disk whose chain held the folded file is defined again on its top,
 * with no `<backingStore>`, so that libvirt reads the chain from the headers. (A running
 * domain's persistent XML libvirt updates itself after a block commit or a pivot.)
 */
export function redefineShutOff(world: World, fold: Fold, uses: readonly DiskChain[], gone: string, replacement: string, graph: ChainGraph): void {
  for (const use of uses.filter((candidate) => !candidate.running && candidate.domain.persistent)) {
    const top = use.chain[0] === gone ? replacement : use.chain[0]!;
    fold.steps.push(defineStep(world, use, top, graph.formatOf(top)));
    fold.domains.push(domainLock(use.uri, use.domain));
  }
}

/** O committed into B, which only O uses: by a block job where a QEMU runs on O, else by qemu-img; O's other overlays re-pointed onto B. */
export function commitInto(world: World, fold: Fold, graph: ChainGraph, overlay: string, base: string): void {
  const uses = graph.disksOf(overlay);
  const running = uses.filter((use) => use.running);
  if (running.length > 1) {
    fold.blockers.push(blocker('held-twice', say('plans.delete.blocker.heldTwice', { path: overlay, domains: running.map((use) => use.domain.name).join(', ') }), [say('plans.delete.alternative.metadataOnly')]));
    return;
  }
  const live = running[0];
  const virsh = { virsh: toolPath(world, 'virsh'), uri: live?.uri ?? '' };
  // libvirt re-points the layer above O in the running chain; any other overlay of O is another branch, re-pointed by hand.
  const above = live ? live.chain[live.chain.indexOf(overlay) - 1] : undefined;
  const others = graph.overlaysOf(overlay).filter((path) => path !== above);
  // Overlays on the layer a guest writes into read changed data already; after a pivot the
  // guest would write into the file they were re-pointed onto: refused, not made worse.
  if (live && live.chain[0] === overlay && others.length > 0) {
    fold.blockers.push(blocker('active-has-overlays', say('plans.delete.blocker.activeHasOverlays', { path: overlay, domain: live.domain.name, overlays: others.join(', ') }), [say('plans.delete.alternative.shutOff', { domain: live.domain.name })]));
    return;
  }
  if (live) {
    const active = live.chain[0] === overlay;
    const lock = domainLock(live.uri, live.domain);
    fold.domains.push(lock);
    fold.steps.push(
      runStep({
        says: say(active ? 'plans.delete.step.activeCommit' : 'plans.delete.step.blockcommit', { top: overlay, base, domain: live.domain.name, target: live.target }),
        argv: blockcommitArgv(virsh, live.domain.name, live.target, active ? { kind: 'active' } : { kind: 'layer', top: overlay }, { base }),
        changes: [base, ...(above ? [above] : [])],
        progress: 'virsh-block-job',
        cancel: 'blockjob-abort',
        domain: { ...lock, disk: live.target },
      }),
    );
  } else {
    // -d: O is left as it was, so what goes to the trash is still a whole, valid file.
    fold.steps.push(runStep({ says: say('plans.delete.step.commit', { top: overlay, base }), argv: commitArgv(toolPath(world, 'qemuImg'), overlay, { keepTop: true }), changes: [base], progress: 'qemu-img', cancel: 'sigint' }));
  }
  // No QEMU holds these: a running chain through one would hold O too, and O is in one running chain at most.
  for (const other of others) {
    fold.steps.push(runStep({ says: say('plans.delete.step.repoint', { path: other, backing: base }), argv: rebaseArgv(toolPath(world, 'qemuImg'), other, base, graph.formatOf(base), { unsafe: true }), changes: [other] }));
  }
  redefineShutOff(world, fold, uses, overlay, base, graph);
  fold.bytes += imageAt(world, overlay)?.actualSize ?? 0;
  fold.unused.push(overlay);
  fold.trash.push({ op: 'trash', says: say('plans.step.trashSource', { path: overlay }), changes: [overlay], path: overlay });
  graph.commit(overlay);
}

/** B is used by others too: O takes B's data and backs onto B's own backing file; B stays as it is. */
export function pullInto(world: World, fold: Fold, graph: ChainGraph, overlay: string, base: string): void {
  const below = graph.backingOf(base);
  const uses = graph.disksOf(overlay);
  const running = uses.filter((use) => use.running);
  // Its overlays, and the domains whose active layer it is itself (a domain on an overlay of it is named by that overlay).
  const users = [...graph.overlaysOf(base).filter((path) => path !== overlay), ...graph.disksOf(base).filter((use) => use.chain[0] === base).map((use) => use.domain.name)];
  fold.warnings.push(say('plans.delete.warning.stillUsed', { path: base, users: [...new Set(users)].join(', ') }));
  const live = running[0];
  // A QEMU writing into B itself: what O would take from it moves while it is copied.
  const writer = graph.disksOf(base).find((use) => use.running && use.chain[0] === base);
  if (writer) {
    fold.blockers.push(blocker('state-written', say('plans.delete.blocker.stateWritten', { path: base, domain: writer.domain.name }), [say('plans.delete.alternative.shutOff', { domain: writer.domain.name }), say('plans.delete.alternative.metadataOnly')]));
  } else if (running.length > 1) {
    fold.blockers.push(blocker('held-twice', say('plans.delete.blocker.heldTwice', { path: overlay, domains: running.map((use) => use.domain.name).join(', ') }), [say('plans.delete.alternative.metadataOnly')]));
  } else if (live && live.chain[0] !== overlay) {
    // A block pull writes into the active layer only; an intermediate layer a QEMU reads cannot be rewritten (rule 2).
    fold.blockers.push(
      blocker('pull-intermediate', say('plans.delete.blocker.pullIntermediate', { path: overlay, base, domain: live.domain.name }), [say('plans.delete.alternative.metadataOnly'), say('plans.delete.alternative.shutOff', { domain: live.domain.name })]),
    );
  } else if (live) {
    const lock = domainLock(live.uri, live.domain);
    fold.domains.push(lock);
    fold.steps.push(
      runStep({
        says: say(below === null ? 'plans.delete.step.blockpullAll' : 'plans.delete.step.blockpull', { path: overlay, from: base, backing: below ?? '', domain: live.domain.name, target: live.target }),
        argv: blockpullArgv({ virsh: toolPath(world, 'virsh'), uri: live.uri }, live.domain.name, live.target, below === null ? {} : { base: below }),
        changes: [overlay],
        progress: 'virsh-block-job',
        cancel: 'blockjob-abort',
        domain: { ...lock, disk: live.target },
      }),
    );
  } else {
    fold.steps.push(
      runStep({
        says: say(below === null ? 'plans.delete.step.pullAll' : 'plans.delete.step.pull', { path: overlay, from: base, backing: below ?? '' }),
        // `-b ""`: B was a base, so O takes all of it and stands alone.
        argv: rebaseArgv(toolPath(world, 'qemuImg'), overlay, below ?? '', below === null ? graph.formatOf(base) : graph.formatOf(below)),
        changes: [overlay],
        progress: 'qemu-img',
        cancel: 'sigint',
      }),
    );
    redefineShutOff(world, fold, uses, overlay, overlay, graph);
  }
  fold.bytes += imageAt(world, base)?.actualSize ?? 0;
  graph.pull(overlay, below);
}
