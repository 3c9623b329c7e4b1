/**
 * Back to a snapshot (design.md section 6; reference 3.6 and 6.1). An internal snapshot,
 * or an external one on libvirt >= 9.9: `virsh snapshot-revert`. An external one on older
 * libvirt, which refuses it: one plan of the measured recipe, a fresh overlay on each disk's
 * state file, so that NOW's files stay untouched as the old branch. And `qemu-img snapshot
 * -a` for an image no domain uses.
 */
import type { Domain, Snapshot } from '../libvirt/model.js';
import { say, type Said } from '../messages/problems.js';
import { snapshotArgv } from '../qemu-img/snapshot.js';
import { defineArgv, dumpxmlInactiveArgv } from '../virsh/define.js';
import { destroyArgv, managedsaveRemoveArgv, restoreArgv, saveImageDumpxmlArgv, snapshotCurrentArgv, startArgv } from '../virsh/revert.js';
import { snapshotRevertArgv } from '../virsh/snapshot-revert.js';
import { dependentsOf, heldBy, imageAt, qemuRuns } from './dependents.js';
import { blocker, dirOf, domainLock, draft, fileNamePart, heldOutside, missingTools, newFileBlockers, type Offered, offering, runStep, toolPath } from './draft.js';
import type { IntentOf } from './intent.js';
import type { Blocker, PlanDraft, StepInput, TreeNode } from './plan.js';
import type { Planner } from './planners.js';
import { branchStep, diskStates, findSnapshot, internalCarrier, isExternal, staleBlockers, stemOf, treeOf, type DiskState, type Found } from './snapshot-branch.js';
import { planSnapshot } from './snapshot.js';
import { chainOf, sourceImage, UNSAFE_TO_WRITE } from './source.js';
import type { World } from './world.js';

type RevertIntent = IntentOf<'revert'>;

/** A snapshot that kept the guest's RAM (a running or paused domain's internal snapshot, or a checkpoint). */
const hasMemory = (snapshot: Snapshot): boolean => snapshot.memory !== 'no';

/**
 * The one-click way to keep NOW: a snapshot of it first. Internal beside an internal revert
 * (it keeps the RAM of a running domain too); for an external revert, the kind that keeps
 * what runs: a checkpoint of a running domain, disk-only of a shut-off one.
 */
function keepNow(intent: RevertIntent, domain: Domain, external: boolean): Offered {
  const kind = !external ? 'internal' : qemuRuns(domain) ? 'memory' : 'disk-only';
  // A name the domain has not taken yet (an earlier revert to the same snapshot took the first).
  const taken = new Set(domain.snapshots.map((snapshot) => snapshot.name));
  const stem = `before-revert-to-${intent.snapshot}`;
  let name = stem;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}`;
  return offering(say(`plans.revert.warning.snapshotFirst.${kind === 'disk-only' ? 'diskOnly' : kind}`, { domain: domain.name, name }), { ...intent, first: { snapshot: kind, name } });
}

/** Whether a snapshot of the kind taken first keeps what the sentence says is lost: every kind keeps the disks; a disk-only one no RAM. */
function keptBy(kind: 'internal' | 'disk-only' | 'memory', lost: Said): boolean {
  return lost.key === 'plans.revert.lost.now' || (lost.key === 'plans.revert.lost.ram' && kind !== 'disk-only');
}

/** `first`: the snapshot planner's own steps and checks, run before the revert. */
function firstSnapshot(intent: RevertIntent, world: World) {
  if (intent.first === undefined) return null;
  return planSnapshot({ kind: 'snapshot', uri: intent.uri, domain: intent.domain, name: intent.first.name, snapshot: intent.first.snapshot, live: false, quiesce: false, files: {} }, world);
}

/** NOW hangs under the snapshot after the revert: it is current (a snapshot taken first hangs where NOW was). */
function revertedTree(domain: Domain, snapshot: string, first: string | undefined): TreeNode[] {
  const before = treeOf(domain);
  const was = before.find((node) => node.current)?.name ?? null;
  const taken = first === undefined ? [] : [{ name: first, parent: was, current: false }];
  return [...before, ...taken].map((node) => ({ ...node, current: node.name === snapshot }));
}

/**
 * Rule 1 for an internal revert: libvirt puts each disk back on the file that holds the
 * snapshot and rewrites it to the snapshot's state. Layers made on it since (an external
 * snapshot taken later, reference 3.6) would leave the running chain and read changed data.
 */
function internalBlockers(world: World, found: Found): Blocker[] {
  const { domain, snapshot } = found;
  const blockers: Blocker[] = [];
  // Each disk's carrier, and every file the link step found holding it: with several disks
  // the state files are not by disk, and one out of the chain would escape a per-disk look.
  const carriers = new Map<string, string>();
  for (const disk of domain.disks) {
    const carrier = internalCarrier(world, disk.chain, snapshot)?.path;
    if (carrier !== undefined) carriers.set(carrier, disk.target);
  }
  for (const path of snapshot.stateFiles) {
    const holds = imageAt(world, path)?.snapshots.some((internal) => internal.name === snapshot.name) === true;
    if (holds && !carriers.has(path)) carriers.set(path, snapshot.disks.find((disk) => disk.snapshot === 'internal')?.target ?? '');
  }
  for (const [carrier, target] of carriers) {
    // The images built on it, and the layers above it in libvirt's chains (known even where their folder was not scanned).
    const above = domain.disks.flatMap((disk) => (disk.chain.includes(carrier) ? disk.chain.slice(0, disk.chain.indexOf(carrier)) : []));
    const overlays = [...new Set([...dependentsOf(world, carrier).overlays.map((overlay) => overlay.path), ...above])];
    if (overlays.length === 0) continue;
    blockers.push(
      blocker('revert-rewrites-backing', say('plans.revert.blocker.rewritesBacking', { snapshot: snapshot.name, target, path: carrier, overlays: overlays.join(', ') }), [
        say('plans.revert.alternative.cloneInstead', { domain: domain.name, snapshot: snapshot.name }),
      ]),
    );
  }
  return blockers;
}

/** The new overlay's name: `<state>.<snapshot>-rN.qcow2`, the first N no file has. */
function freshPath(world: World, state: DiskState, snapshot: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const path = `${dirOf(state.state)}/${stemOf(state.state)}.${fileNamePart(snapshot)}-r${n}.qcow2`;
    if (!world.exists(path) && !taken.has(path)) return path;
  }
}

/** Reference 6.1 as one plan: the old branch's files are only ever read. */
function recipe(intent: RevertIntent, world: World, found: Found) {
  const { domain, snapshot } = found;
  const virsh = { virsh: toolPath(world, 'virsh'), uri: intent.uri };
  const { states, blockers } = diskStates(world, found);
  // A file named for a disk the snapshot has not, or a disk of the snapshot the domain no longer has (the define would refuse it after the destroy).
  const targets = [...Object.keys(intent.files).filter((target) => !states.some((state) => state.target === target)), ...states.map((state) => state.target).filter((target) => !domain.disks.some((disk) => disk.target === target))];
  for (const target of targets) blockers.push(blocker('no-such-disk', say('plans.blocker.noSuchDisk', { target, domain: domain.name })));
  const chosen = new Set<string>();
  const disks: Record<string, string> = {};
  for (const state of states) {
    const path = intent.files[state.target] ?? freshPath(world, state, snapshot.name, chosen);
    chosen.add(path);
    disks[state.target] = path;
  }
  blockers.push(...newFileBlockers(world, Object.values(disks)));
  const memoryFile = snapshot.memory === 'external' ? snapshot.memoryFile : null;
  if (memoryFile !== null && !world.exists(memoryFile)) blockers.push(blocker('memory-missing', say('plans.revert.blocker.memoryMissing', { snapshot: snapshot.name, path: memoryFile })));

  // The new overlays first: the state files are only read, so the domain runs on while they
  // are made, and a create that fails (a file put at the path since) leaves it as it was.
  const steps: StepInput[] = states.map((state) => branchStep(toolPath(world, 'qemuImg'), disks[state.target]!, state));
  const lost: Said[] = [];
  const warnings: Said[] = [];
  // Destroyed, a transient domain would be gone from libvirt, its snapshots' records with it.
  if (!domain.persistent) blockers.push(blocker('transient', say('plans.revert.blocker.transient', { domain: domain.name })));
  if (qemuRuns(domain)) {
    steps.push(runStep({ says: say('plans.revert.step.destroy', { domain: domain.name }), argv: destroyArgv(virsh, domain.name) }));
    lost.push(say('plans.revert.lost.ram', { domain: domain.name }));
  }
  // A managed save would be resumed at the next start, on the disks it names (the old branch): it is dropped.
  if (domain.stateReason === 'saved') {
    steps.push(runStep({ says: say('plans.revert.step.managedSave', { domain: domain.name }), argv: managedsaveRemoveArgv(virsh, domain.name) }));
    lost.push(say('plans.revert.lost.managedSave', { domain: domain.name }));
  }
  // NOW's disks are not lost: they stay as the old branch, named so the user can find them.
  for (const disk of domain.disks.filter((candidate) => candidate.target in disks)) {
    const state = states.find((candidate) => candidate.target === disk.target)!;
    // The layers of the present chain the new one does not read: above the state file, or, where the state is on another branch, all but the files below it that both share.
    const stateImage = imageAt(world, state.state);
    const kept = new Set(stateImage === undefined ? [state.state] : chainOf(world, stateImage).map((layer) => layer.path));
    const leaving = disk.chain.includes(state.state) ? disk.chain.slice(0, disk.chain.indexOf(state.state)) : disk.chain.filter((path) => !kept.has(path));
    if (leaving.length > 0) warnings.push(say('plans.revert.warning.keptBranch', { target: disk.target, files: leaving.join(', ') }));
  }
  const list = Object.entries(disks).map(([target, path]) => `${target} ${path}`).join(', ');
  steps.push({
    op: 'define',
    says: say('plans.revert.step.define', { domain: domain.name, disks: list }),
    changes: [],
    domain: domainLock(intent.uri, domain),
    virsh: virsh.virsh,
    edit: { kind: 'switch-disks', disks },
    shows: [[...dumpxmlInactiveArgv(virsh, domain.name)], [...defineArgv(virsh, '/dev/stdin')]],
  });
  if (memoryFile !== null) {
    steps.push({
      op: 'restore',
      says: say('plans.revert.step.restore', { domain: domain.name, snapshot: snapshot.name, path: memoryFile }),
      changes: [],
      domain: domainLock(intent.uri, domain),
      virsh: virsh.virsh,
      memoryFile,
      disks,
      ...(intent.state ? { then: intent.state } : {}),
      shows: [[...saveImageDumpxmlArgv(virsh, memoryFile)], [...restoreArgv(virsh, memoryFile, '/dev/stdin', intent.state)]],
    });
    warnings.push(say('plans.revert.warning.ramRestored', { domain: domain.name, snapshot: snapshot.name }));
    // How long the guest is down: the user plans around it.
    if (qemuRuns(domain)) warnings.push(say('plans.revert.warning.stopped.restore', { domain: domain.name, path: memoryFile }));
  } else {
    // As the snapshot's state was, unless the user chose: a disk-only snapshot of a running domain is `disk-snapshot`.
    const then = intent.state ?? (snapshot.state === 'paused' ? 'paused' : snapshot.state === 'shutoff' ? null : 'running');
    if (then !== null) steps.push(runStep({ says: say(then === 'paused' ? 'plans.revert.step.startPaused' : 'plans.revert.step.start', { domain: domain.name, snapshot: snapshot.name }), argv: startArgv(virsh, domain.name, { paused: then === 'paused' }) }));
    if (qemuRuns(domain)) warnings.push(say(then === null ? 'plans.revert.warning.stopped.off' : 'plans.revert.warning.stopped.start', { domain: domain.name, snapshot: snapshot.name }));
  }
  steps.push(runStep({ says: say('plans.revert.step.current', { domain: domain.name, snapshot: snapshot.name }), argv: snapshotCurrentArgv(virsh, domain.name, snapshot.name) }));
  return { steps, blockers, lost, warnings, tools: ['virsh', 'qemuImg'] as const, cancel: say('plans.revert.cancel.external', { domain: domain.name }), files: states.map((state) => state.state) };
}

/** libvirt reverts it itself: an internal snapshot, or an external one on libvirt >= 9.9. */
function byLibvirt(intent: RevertIntent, world: World, found: Found, external: boolean) {
  const { domain, snapshot } = found;
  const virsh = { virsh: toolPath(world, 'virsh'), uri: intent.uri };
  // An internal revert puts each disk back on the file that holds the snapshot and rewrites
  // that file: where it is no longer the layer the disk writes (a branch left by an earlier
  // revert), the file changes, what was written into it after the snapshot is lost, and the
  // disk leaves the layer it writes now, which stays.
  const carriers = external ? [] : domain.disks.flatMap((disk) => {
    const carrier = internalCarrier(world, disk.chain, snapshot)?.path;
    return carrier === undefined ? [] : [{ disk, carrier }];
  });
  const away = carriers.filter(({ disk, carrier }) => disk.activePath !== null && disk.activePath !== carrier);
  const step = runStep({
    says: say(external ? 'plans.revert.step.native' : 'plans.revert.step.internal', { domain: domain.name, snapshot: snapshot.name }),
    argv: snapshotRevertArgv(virsh, domain.name, snapshot.name, intent.state ? { then: intent.state } : {}),
    changes: carriers.length > 0 ? carriers.map(({ carrier }) => carrier) : domain.disks.flatMap((disk) => (disk.activePath === null || disk.readonly ? [] : [disk.activePath])),
  });
  const lost = [
    say('plans.revert.lost.now', { domain: domain.name }),
    ...(qemuRuns(domain) ? [say('plans.revert.lost.ram', { domain: domain.name })] : []),
    ...away.map(({ carrier }) => say('plans.revert.lost.branchRewritten', { path: carrier, snapshot: snapshot.name })),
  ];
  const warnings = [
    ...(hasMemory(snapshot) ? [say('plans.revert.warning.ramRestored', { domain: domain.name, snapshot: snapshot.name })] : []),
    ...away.map(({ disk, carrier }) => say('plans.revert.warning.leavesLayer', { target: disk.target, path: disk.activePath!, carrier })),
  ];
  return { steps: [step], blockers: external ? [] : internalBlockers(world, found), lost, warnings, tools: ['virsh'] as const, cancel: say('plans.revert.cancel.internal'), files: [] as string[] };
}

export const planRevert: Planner<'revert'> = (intent, world): PlanDraft => {
  const title = say('plans.revert.title', { domain: intent.domain, snapshot: intent.snapshot });
  const found = findSnapshot(world, intent.uri, intent.domain, intent.snapshot);
  if ('blocker' in found) return draft({ intent, title, steps: [], blockers: [...missingTools(world, ['virsh']), found.blocker], cancel: say('plans.cancel.nothing'), lockFiles: [] });
  const { connection, domain, snapshot } = found;
  const external = isExternal(snapshot);
  const part = external && connection.externalSnapshotRevert !== true ? recipe(intent, world, found) : byLibvirt(intent, world, found, external);
  const first = firstSnapshot(intent, world);
  // An external snapshot first would put a layer on the disk that the internal revert then rewrites under it (rule 1).
  const firstBlockers = first !== null && !external && intent.first!.snapshot !== 'internal' ? [blocker('first-external', say('plans.revert.blocker.firstExternal', { snapshot: snapshot.name }), [say('plans.revert.alternative.firstInternal')])] : [];
  const memory = snapshot.memoryFile === null ? [] : [snapshot.memoryFile];
  return draft({
    intent,
    title,
    steps: [...(first?.steps ?? []), ...part.steps],
    lost: first === null ? part.lost : part.lost.filter((said) => !keptBy(intent.first!.snapshot, said)),
    warnings: [...(first === null ? [keepNow(intent, domain, external)] : (first.warnings ?? [])), ...part.warnings],
    blockers: [...missingTools(world, part.tools), ...staleBlockers(intent.uri, found), ...(first?.blockers ?? []), ...firstBlockers, ...part.blockers],
    cancel: part.cancel,
    lockFiles: [...domain.disks.flatMap((disk) => disk.chain), ...part.files, ...memory],
    lockDomains: [domainLock(intent.uri, domain)],
    tree: { domain: domain.name, before: treeOf(domain), after: revertedTree(domain, snapshot.name, intent.first?.name) },
  });
};

/** `qemu-img snapshot -a`: only where nobody reads the image (rule 1 and 2) and libvirt does not keep its snapshots. */
export const planImageRevert: Planner<'image-revert'> = (intent, world): PlanDraft => {
  const { image: path, name } = intent;
  const title = say('plans.revert.imageTitle', { name, path });
  const source = sourceImage(world, path, UNSAFE_TO_WRITE, 'imageUnsafe');
  const blockers: Blocker[] = [...missingTools(world, ['qemuImg']), ...source.blockers];
  const image = source.image;
  if (image === null) return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });
  if (!image.snapshots.some((internal) => internal.name === name)) blockers.push(blocker('no-snapshot', say('plans.revert.blocker.noImageSnapshot', { name, path })));
  // `-a` looks the ID up first (reference 2.3): a name that is another snapshot's ID would apply that one.
  const byId = image.snapshots.find((internal) => internal.id === name && internal.name !== name);
  if (byId) blockers.push(blocker('name-is-an-id', say('plans.revert.blocker.nameIsId', { name, path, other: byId.name })));
  blockers.push(...heldOutside(world, [path]));
  const dependents = dependentsOf(world, path);
  const held = heldBy(world, path)[0];
  const owner = held ?? dependents.disks[0];
  if (owner) {
    blockers.push(blocker(held ? 'held-by-qemu' : 'domain-disk', say(held ? 'plans.blocker.heldByQemu' : 'plans.revert.blocker.domainDisk', { path, domain: owner.domain.name }), [say('plans.revert.alternative.domain', { domain: owner.domain.name })]));
  }
  if (dependents.overlays.length > 0) {
    blockers.push(blocker('backing-file', say('plans.blocker.backingFile', { path, overlays: dependents.overlays.map((overlay) => overlay.path).join(', ') }), [say('plans.revert.alternative.convertSnapshot', { path, name })]));
  }
  const step = runStep({ says: say('plans.revert.step.image', { name, path }), argv: snapshotArgv(toolPath(world, 'qemuImg'), path, image.format, { kind: 'apply', name }), changes: [path] });
  return draft({ intent, title, steps: [step], lost: [say('plans.revert.lost.image', { path })], blockers, cancel: say('plans.revert.cancel.image', { path }), lockFiles: [path] });
};
