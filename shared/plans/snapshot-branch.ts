/**
 * What a revert on libvirt 9.0 and a clone from a snapshot share: the domain and snapshot
 * an intent names, the file that holds each disk's state at an external snapshot (the
 * backing file of the overlay the snapshot made, reference 3.5), and a fresh overlay on it,
 * a new branch that leaves every existing file as it is.
 */
import type { Image } from '../images/model.js';
import type { Connection, Domain, Snapshot } from '../libvirt/model.js';
import { say } from '../messages/problems.js';
import { createOverlayArgv } from '../qemu-img/create.js';
import { dependentsOf, imageAt } from './dependents.js';
import { blocker, dirOf, offering, runStep } from './draft.js';
import { backingName } from './overlay.js';
import type { Blocker, StepInput, TreeNode } from './plan.js';
import { sourceImage, UNREADABLE } from './source.js';
import type { World } from './world.js';

export interface Found {
  readonly connection: Connection;
  readonly domain: Domain;
  readonly snapshot: Snapshot;
}

/** The domain and its snapshot, or the blocker that says which is not there. */
export function findSnapshot(world: World, uri: string, domainName: string, snapshotName: string): Found | { blocker: Blocker } {
  const connection = world.connections.find((candidate) => candidate.uri === uri);
  const domain = connection?.domains.find((candidate) => candidate.name === domainName);
  if (!connection || !domain) return { blocker: blocker('no-domain', say('plans.blocker.noDomain', { domain: domainName, uri })) };
  const snapshot = domain.snapshots.find((candidate) => candidate.name === snapshotName);
  if (!snapshot) return { blocker: blocker('no-snapshot', say('plans.revert.blocker.noSnapshot', { domain: domainName, snapshot: snapshotName })) };
  return { connection, domain, snapshot };
}

/**
 * A stale snapshot's files no longer hold its state (a manual blockcommit, a merge that kept
 * its record): going back to it, or cloning it, would bring back something else. Its record
 * can still go, as one click.
 */
export function staleBlockers(uri: string, found: Found): Blocker[] {
  const { domain, snapshot } = found;
  if (!snapshot.problems.some((problem) => problem.code === 'stale-snapshot')) return [];
  const deleteRecord = offering(say('plans.revert.alternative.deleteRecord', { snapshot: snapshot.name }), { kind: 'delete', uri, domain: domain.name, snapshot: snapshot.name, metadataOnly: true });
  return [blocker('snapshot-stale', say('plans.revert.blocker.stale', { snapshot: snapshot.name }), [deleteRecord])];
}

/** A snapshot whose disks are overlays made at that point (disk-only or a system checkpoint). */
export function isExternal(snapshot: Snapshot): boolean {
  return snapshot.disks.some((disk) => disk.snapshot === 'external');
}

/** A disk's state at an external snapshot: the overlay the snapshot made, and the file below it. */
export interface DiskState {
  readonly target: string;
  readonly state: string;
  readonly format: string;
}

/**
 * Every external disk of the snapshot with the file that holds its state, found through the
 * forest (the overlay's header), or the blockers that say why it is not known. A state file
 * that a domain writes into as its active layer no longer holds the state (rule 1).
 */
export function diskStates(world: World, found: Found): { states: DiskState[]; blockers: Blocker[] } {
  const { snapshot } = found;
  const states: DiskState[] = [];
  const blockers: Blocker[] = [];
  for (const disk of snapshot.disks) {
    if (disk.snapshot !== 'external' || disk.file === null) continue;
    const values = { snapshot: snapshot.name, target: disk.target, path: disk.file };
    const overlay = imageAt(world, disk.file);
    if (overlay === undefined) {
      blockers.push(blocker('state-unknown', say('plans.revert.blocker.stateUnknown', values), [say('plans.revert.alternative.watchFolder', { folder: dirOf(disk.file) })]));
      continue;
    }
    const state = overlay.backing?.image;
    if (!state) {
      blockers.push(blocker('state-missing', say('plans.revert.blocker.stateMissing', values)));
      continue;
    }
    const source = sourceImage(world, state, UNREADABLE);
    blockers.push(...source.blockers);
    const writer = dependentsOf(world, state).disks.find((use) => use.active);
    if (writer) blockers.push(blocker('backing-written', say('plans.blocker.backingWritten', { path: state, domain: writer.domain.name })));
    if (source.image !== null) states.push({ target: disk.target, state, format: source.image.format });
  }
  return { states, blockers };
}

/**
 * The layer of a disk that holds an internal snapshot: in the disk's chain, or (after a
 * revert took it out of the chain, reference 3.6) among the files the link step found it in.
 */
export function internalCarrier(world: World, chain: readonly string[], snapshot: Snapshot): Image | undefined {
  // The state files are not by disk: they tell one disk's carrier only when the snapshot has one disk.
  const elsewhere = snapshot.disks.filter((disk) => disk.snapshot === 'internal').length === 1 ? snapshot.stateFiles : [];
  return [...chain, ...elsewhere].map((path) => imageAt(world, path)).find((image) => image?.snapshots.some((internal) => internal.name === snapshot.name));
}

/** The file's name without its folder and a `.qcow2` at its end. */
export function stemOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.qcow2$/, '');
}

/** `qemu-img create -f qcow2 -b STATE -F fmt NEW`: the new branch's layer; STATE is only read. */
export function branchStep(qemuImg: string, path: string, state: DiskState): StepInput {
  return runStep({
    says: say('plans.step.overlay', { path, backing: state.state, format: state.format }),
    argv: createOverlayArgv(qemuImg, path, backingName(path, state.state), state.format),
    changes: [path],
    creates: [path],
  });
}

/** A domain's snapshot tree as the plan dialog draws it. */
export function treeOf(domain: Domain): TreeNode[] {
  return domain.snapshots.map((snapshot) => ({ name: snapshot.name, parent: snapshot.parent, current: snapshot.current }));
}

