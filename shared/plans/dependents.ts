/**
 * One question every planner asks (data-safety rules 1 and 2): which images, domains and
 * libvirt snapshots use this file, and whether a running QEMU holds it. Answered from an
 * index built once per World, so that a plan on a 10,000-image forest looks each file up
 * instead of walking every image and domain.
 */
import type { Image } from '../images/model.js';
import { disksAreLocal } from '../libvirt/uri.js';
import type { Domain, DomainDisk, Snapshot } from '../libvirt/model.js';
import type { World } from './world.js';

/** A domain's disk whose chain holds the file; `active` when it is the layer QEMU writes to. */
export interface DiskUse {
  readonly uri: string;
  readonly domain: Domain;
  readonly disk: DomainDisk;
  readonly active: boolean;
}

/** A libvirt snapshot that names the file: its disk state lives there, its overlay or its memory file is it. */
export interface SnapshotUse {
  readonly uri: string;
  readonly domain: Domain;
  readonly snapshot: Snapshot;
  readonly as: 'state' | 'overlay' | 'memory';
}

export interface Dependents {
  /** Images whose backing file resolves to it. */
  readonly overlays: readonly Image[];
  readonly disks: readonly DiskUse[];
  readonly snapshots: readonly SnapshotUse[];
}

interface Index {
  readonly images: ReadonlyMap<string, Image>;
  readonly overlays: ReadonlyMap<string, Image[]>;
  readonly disks: ReadonlyMap<string, DiskUse[]>;
  readonly snapshots: ReadonlyMap<string, SnapshotUse[]>;
}

// Keyed by the World, not its forest alone: the domains come from its connections, and a
// World is made afresh for every plan, so the index is never older than what it answers.
const indexes = new WeakMap<World, Index>();

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function build(world: World): Index {
  const images = new Map(world.forest.images.map((image) => [image.path, image]));
  const overlays = new Map<string, Image[]>();
  for (const image of world.forest.images) if (image.backing?.image) push(overlays, image.backing.image, image);

  const domains = new Map<string, { uri: string; domain: Domain }>();
  const disks = new Map<string, DiskUse[]>();
  const snapshots = new Map<string, SnapshotUse[]>();
  // A remote domain's paths name files on its own host: they say nothing of a file here.
  for (const connection of world.connections.filter((candidate) => disksAreLocal(candidate.uri))) {
    for (const domain of connection.domains) {
      domains.set(domain.uuid, { uri: connection.uri, domain });
      for (const disk of domain.disks) disk.chain.forEach((path, level) => push(disks, path, { uri: connection.uri, domain, disk, active: level === 0 }));
      for (const snapshot of domain.snapshots) {
        const use = (as: SnapshotUse['as']) => ({ uri: connection.uri, domain, snapshot, as });
        for (const path of snapshot.stateFiles) push(snapshots, path, use('state'));
        for (const disk of snapshot.disks) if (disk.file !== null) push(snapshots, disk.file, use('overlay'));
        if (snapshot.memoryFile !== null) push(snapshots, snapshot.memoryFile, use('memory'));
      }
    }
  }
  // The link step followed each chain through the headers and through symlinks
  // (Image.usedBy): a layer libvirt's XML leaves out, or names by another path, is held too.
  for (const image of world.forest.images) {
    for (const user of image.usedBy) {
      const owner = domains.get(user.uuid);
      const disk = owner?.domain.disks.find((candidate) => candidate.target === user.target);
      if (!owner || !disk) continue;
      const known = disks.get(image.path) ?? [];
      if (!known.some((use) => use.domain.uuid === user.uuid && use.disk.target === user.target)) push(disks, image.path, { uri: owner.uri, domain: owner.domain, disk, active: user.active });
    }
  }
  return { images, overlays, disks, snapshots };
}

function indexOf(world: World): Index {
  let index = indexes.get(world);
  if (!index) {
    index = build(world);
    indexes.set(world, index);
  }
  return index;
}

/** The scanned image at a path, if the forest has it. */
export function imageAt(world: World, path: string): Image | undefined {
  return indexOf(world).images.get(path);
}

export function dependentsOf(world: World, path: string): Dependents {
  const index = indexOf(world);
  return { overlays: index.overlays.get(path) ?? [], disks: index.disks.get(path) ?? [], snapshots: index.snapshots.get(path) ?? [] };
}

/** Whether a QEMU process runs for the domain: every state but shut off keeps one (paused and suspended too). */
export function qemuRuns(domain: Domain): boolean {
  return domain.state !== 'shut off';
}

/** The disks of running (or paused) domains whose chains hold the file: a QEMU holds it, so no writing qemu-img (rule 2). */
export function heldBy(world: World, path: string): readonly DiskUse[] {
  return dependentsOf(world, path).disks.filter((use) => qemuRuns(use.domain));
}
