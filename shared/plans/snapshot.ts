/**
 * A libvirt snapshot of a domain (design.md section 6): internal (savevm, or qemu-img run
 * by libvirt when shut off), external disk-only (one new overlay per disk, all or none),
 * or a system checkpoint (the disks and the memory). libvirt does the work; the plan
 * checks first what libvirt 9.0 would refuse, and what Snaptree itself must refuse.
 */
import { say, type Said } from '../messages/problems.js';
import type { Domain, DomainDisk } from '../libvirt/model.js';
import { screenshotArgv } from '../virsh/screenshot.js';
import { snapshotCreateAsArgv, type ExternalDisk } from '../virsh/snapshot-create-as.js';
import { dependentsOf, qemuRuns } from './dependents.js';
import { blocker, dirOf, domainLock, draft, fileNamePart, missingTools, newFileBlockers, runStep, toolPath } from './draft.js';
import type { IntentOf } from './intent.js';
import type { Blocker, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';
import { screenshotDir, screenshotPath } from './screenshot.js';
import type { World } from './world.js';

type SnapshotIntent = IntentOf<'snapshot'>;

const stemOf = (path: string): string => {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
};

/**
 * What libvirt 9.0 refuses as a snapshot name (measured on qemu:///system: `invalid
 * snapshot name 'a/b': name can't contain '/'`, `… can't start with '.'`, because it keeps
 * each snapshot's XML in a file of that name), and what Snaptree refuses itself: a
 * newline, which libvirt takes but `snapshot-list --name` then prints as two names.
 */
function snapshotNameBlockers(name: string, domain: Domain): Blocker[] {
  if (name.trim() === '') return [blocker('name-empty', say('plans.blocker.nameEmpty'))];
  const refused = name.includes('/') ? 'slash' : name.startsWith('.') ? 'dot' : name.includes('\n') ? 'newline' : null;
  const blockers = refused === null ? [] : [blocker('name-refused', say(`plans.blocker.nameRefused.${refused}`, { name }))];
  if (domain.snapshots.some((existing) => existing.name === name)) blockers.push(blocker('name-taken', say('plans.blocker.nameTaken', { name, domain: domain.name })));
  return blockers;
}

/** Why a disk gets no snapshot, or null for a writable disk that does. */
function skipReason(disk: DomainDisk): 'device' | 'readonly' | 'empty' | 'excluded' | null {
  if (disk.device !== 'disk') return 'device';
  // The domain's XML leaves it out of every snapshot, as libvirt's own does.
  if (disk.snapshot === 'no') return 'excluded';
  if (disk.readonly) return 'readonly';
  if (disk.activePath === null) return 'empty';
  return null;
}

/** `<dir>/<stem>.<snapshot>.qcow2` beside the disk's active layer, as libvirt names its own (minus the extension). */
function defaultOverlayPath(activePath: string, snapshotName: string): string {
  return `${dirOf(activePath)}/${stemOf(activePath)}.${fileNamePart(snapshotName)}.qcow2`;
}

function internalPart(intent: SnapshotIntent, world: World, domain: Domain, disks: readonly DomainDisk[]) {
  const blockers: Blocker[] = [];
  for (const disk of disks) {
    const active = disk.activePath!;
    if (disk.format !== 'qcow2') {
      blockers.push(blocker('internal-needs-qcow2', say('plans.blocker.internalNeedsQcow2', { target: disk.target, format: disk.format ?? '?', path: active }), [say('plans.alternative.convert', { path: active }), say('plans.alternative.diskOnly')]));
    }
    // Rule 1: the snapshot is written into the active layer; an image built on it must not change under it.
    const overlays = dependentsOf(world, active).overlays;
    if (overlays.length > 0) {
      blockers.push(blocker('backing-file', say('plans.blocker.backingFileSnapshot', { path: active, overlays: overlays.map((o) => o.path).join(', ') }), [say('plans.alternative.diskOnly')]));
    }
  }
  const warnings: Said[] = qemuRuns(domain) ? [say('plans.warning.internalPauses', { domain: domain.name })] : [];
  const changes = disks.map((disk) => disk.activePath!);
  const step = runStep({
    says: say('plans.step.snapshot.internal', { name: intent.name, domain: domain.name }),
    changes,
    argv: snapshotCreateAsArgv({ virsh: toolPath(world, 'virsh'), uri: intent.uri }, domain.name, intent.name, { kind: 'internal' }, { description: intent.description }),
  });
  return { blockers, warnings, step, cancel: say('plans.cancel.snapshot.internal') };
}

function externalPart(intent: SnapshotIntent, world: World, domain: Domain, disks: readonly DomainDisk[]) {
  const blockers: Blocker[] = [];
  const memory = intent.snapshot === 'memory';
  if (memory && !qemuRuns(domain)) blockers.push(blocker('memory-needs-running', say('plans.blocker.memoryNeedsRunning', { domain: domain.name }), [say('plans.alternative.diskOnly')]));
  for (const target of Object.keys(intent.files)) {
    if (!disks.some((disk) => disk.target === target)) blockers.push(blocker('no-such-disk', say('plans.blocker.noSuchDisk', { target, domain: domain.name })));
  }
  const overlays: ExternalDisk[] = disks.map((disk) => ({ target: disk.target, file: intent.files[disk.target] ?? defaultOverlayPath(disk.activePath!, intent.name) }));
  // Beside the first disk; a domain with none is blocked, and the data folder only keeps the name total.
  const memoryFolder = disks[0] ? dirOf(disks[0].activePath!) : world.dataDir;
  const memoryFile = memory ? (intent.memoryFile ?? `${memoryFolder}/${fileNamePart(domain.name)}.${fileNamePart(intent.name)}.mem`) : undefined;
  const creates = [...overlays.map((overlay) => overlay.file), ...(memoryFile === undefined ? [] : [memoryFile])];
  blockers.push(...newFileBlockers(world, creates));
  // Measured on libvirt 9.0: for a shut-off domain it creates the overlay itself, with the
  // comma doubled (`d,,1.s1.qcow2`), while the domain's XML names `d,1.s1.qcow2`, which is
  // not there: the domain no longer starts. A running domain's QEMU makes the right file.
  if (!qemuRuns(domain)) {
    for (const overlay of overlays.filter((candidate) => candidate.file.includes(','))) {
      blockers.push(blocker('offline-comma', say('plans.blocker.offlineComma', { path: overlay.file }), [say('plans.alternative.otherName')]));
    }
  }
  const skip = domain.disks.filter((disk) => !disks.includes(disk)).map((disk) => disk.target);
  const kind = { kind: 'external', disks: overlays, skip, ...(memoryFile === undefined ? {} : { memoryFile }) } as const;
  const step = runStep({
    says: memory ? say('plans.step.snapshot.memory', { name: intent.name, domain: domain.name, path: memoryFile! }) : say('plans.step.snapshot.diskOnly', { name: intent.name, domain: domain.name, disks: overlays.length }),
    changes: creates,
    creates,
    argv: snapshotCreateAsArgv({ virsh: toolPath(world, 'virsh'), uri: intent.uri }, domain.name, intent.name, kind, { description: intent.description, live: intent.live, quiesce: intent.quiesce }),
    progress: memory ? 'domjobinfo' : 'none',
    cancel: memory ? 'domjobabort' : 'wait',
    ...(memory ? { domain: domainLock(intent.uri, domain) } : {}),
  });
  const warnings: Said[] = memory && !intent.live ? [say('plans.warning.checkpointPauses', { domain: domain.name })] : [];
  const cancel = memory ? say('plans.cancel.snapshot.memory', { path: memoryFile! }) : say('plans.cancel.snapshot.diskOnly');
  return { blockers, warnings, step, cancel };
}

export const planSnapshot: Planner<'snapshot'> = (intent, world): PlanDraft => {
  const title = say('plans.title.snapshot', { name: intent.name, domain: intent.domain });
  const blockers = missingTools(world, ['virsh']);
  const domain = world.connections.find((connection) => connection.uri === intent.uri)?.domains.find((candidate) => candidate.name === intent.domain);
  if (domain === undefined) {
    blockers.push(blocker('no-domain', say('plans.blocker.noDomain', { domain: intent.domain, uri: intent.uri })));
    return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });
  }
  blockers.push(...snapshotNameBlockers(intent.name, domain));

  const disks = domain.disks.filter((disk) => skipReason(disk) === null);
  if (disks.length === 0) blockers.push(blocker('no-disks', say('plans.blocker.noDisks', { domain: domain.name })));
  const warnings: Said[] = domain.disks.flatMap((disk) => {
    const reason = skipReason(disk);
    return reason === null ? [] : [say('plans.warning.diskSkipped', { target: disk.target, reason })];
  });
  // Measured on libvirt 9.0: `live snapshot creation is supported only during full system
  // snapshots`, and virsh itself: `Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY' is required
  // by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE'`. (An internal snapshot after external
  // ones is accepted, running or shut off, so it is not refused here.)
  if (intent.live && intent.snapshot !== 'memory') blockers.push(blocker('live-needs-memory', say('plans.blocker.liveNeedsMemory'), [say('plans.alternative.memory')]));
  if (intent.quiesce) {
    if (intent.snapshot !== 'disk-only') blockers.push(blocker('quiesce-needs-disk-only', say('plans.blocker.quiesceNeedsDiskOnly'), [say('plans.alternative.diskOnly')]));
    else if (!world.agents.has(domain.uuid)) blockers.push(blocker('no-agent', say('plans.blocker.noAgent', { domain: domain.name }), [say('plans.alternative.noQuiesce')]));
  }

  const part = intent.snapshot === 'internal' ? internalPart(intent, world, domain, disks) : externalPart(intent, world, domain, disks);
  const steps: StepInput[] = [part.step];
  // The picture is taken after the snapshot, so that it never delays it nor fails it.
  if (qemuRuns(domain) && domain.display) {
    const path = screenshotPath(world.dataDir, domain.uuid, intent.name);
    steps.push(runStep({ says: say('plans.step.screenshot', { domain: domain.name }), changes: [path], makesFolders: [screenshotDir(world.dataDir, domain.uuid)], argv: screenshotArgv({ virsh: toolPath(world, 'virsh'), uri: intent.uri }, domain.name, path), optional: true }));
  }
  return draft({
    intent,
    title,
    steps,
    warnings: [...warnings, ...part.warnings],
    blockers: [...blockers, ...part.blockers],
    cancel: part.cancel,
    lockFiles: domain.disks.flatMap((disk) => disk.chain),
    lockDomains: [domainLock(intent.uri, domain)],
  });
};
