/**
 * Worlds built by hand for the planners' table tests: images, domains on one local
 * connection, and the files that exist. Each image's `usedBy` is filled from the
 * domains' chains, as the link step would.
 */
import type { MapExtent } from '../qemu-img/map.js';
import type { Image } from '../images/model.js';
import type { Domain, DomainDisk, Snapshot } from '../libvirt/model.js';
import type { TrashEntry } from '../jobs/model.js';
import type { World } from './world.js';

export const URI = 'qemu:///system';

export function image(path: string, fields: Partial<Image> = {}): Image {
  return {
    path,
    format: 'qcow2',
    virtualSize: 1 << 30,
    actualSize: 1 << 20,
    backing: null,
    snapshots: [],
    encrypted: false,
    corrupt: false,
    dirty: false,
    dataFile: null,
    problems: [],
    folder: path.slice(0, path.lastIndexOf('/')),
    qcow2: null,
    usedBy: [],
    ...fields,
  };
}

/** An overlay on `backing`, its backing name as the header would store it. */
export function overlay(path: string, backing: Image, fields: Partial<Image> = {}): Image {
  return image(path, { backing: { name: backing.path, path: backing.path, format: backing.format, exists: true, image: backing.path }, ...fields });
}

export function disk(target: string, chain: readonly string[], fields: Partial<DomainDisk> = {}): DomainDisk {
  return { target, device: 'disk', type: 'file', format: 'qcow2', activePath: chain[0] ?? null, chain: [...chain], readonly: false, shareable: false, snapshot: null, xml: '', ...fields };
}

export function domain(name: string, fields: Partial<Domain> = {}): Domain {
  return { name, uuid: `uuid-${name}`, state: 'running', stateReason: null, persistent: true, display: false, disks: [], snapshots: [], problems: [], ...fields };
}

export function snapshot(name: string, fields: Partial<Snapshot> = {}): Snapshot {
  return { name, description: null, parent: null, state: 'running', createdAt: '2026-12-01T09:00:00Z', current: false, memory: 'no', memoryFile: null, disks: [], stateFiles: [], otherBranch: false, problems: [], ...fields };
}

export interface WorldParts {
  readonly images?: readonly Image[];
  readonly domains?: readonly Domain[];
  /** Files that exist besides the images. */
  readonly existing?: readonly string[];
  readonly tools?: World['tools'];
  readonly agents?: readonly string[];
  readonly trash?: readonly TrashEntry[];
  /** The libvirt daemon does not answer (stopped): its domains are unknown. */
  readonly libvirtStopped?: boolean;
  /** libvirt >= 9.9: it reverts external snapshots itself. */
  readonly externalSnapshotRevert?: boolean;
  /** Bytes free on every file system; left out, unknown. */
  readonly freeBytes?: number;
  /** What `qemu-img measure` says a convert of each image's chain writes, by its path (`path@snapshot` at an internal snapshot); left out, not measured. */
  readonly convertBytes?: Readonly<Record<string, number>>;
  /** `qemu-img map` of the chain topped by each path, as the core read it for a merge. */
  readonly chainMaps?: Readonly<Record<string, readonly MapExtent[]>>;
  /** Files a QEMU process has open (libvirt's domains' or another's). */
  readonly qemuHolds?: readonly string[];
  /** Files a QEMU libvirt does not run holds with the write permission. */
  readonly qemuWrites?: readonly string[];
  /** Folders that are not there (every other is). */
  readonly missingFolders?: readonly string[];
}

export function world(parts: WorldParts = {}): World {
  const domains = parts.domains ?? [];
  const images = (parts.images ?? []).map((candidate) => ({
    ...candidate,
    usedBy: candidate.usedBy.length > 0 ? candidate.usedBy : domains.flatMap((owner) =>
      owner.disks.flatMap((member) => (member.chain.includes(candidate.path) ? [{ domain: owner.name, uuid: owner.uuid, target: member.target, active: member.chain[0] === candidate.path }] : [])),
    ),
  }));
  const existing = new Set([...images.map((candidate) => candidate.path), ...(parts.existing ?? [])]);
  return {
    forest: { images, errors: [], skipped: [], scannedAt: '2026-12-01T09:30:00Z' },
    connections: [
      parts.libvirtStopped
        ? { uri: URI, reachable: false, error: 'failed to connect to the hypervisor', libvirtVersion: null, hypervisor: null, hypervisorVersion: null, externalSnapshotRevert: null, domains: [] }
        : { uri: URI, reachable: true, error: null, libvirtVersion: '9.0.0', hypervisor: 'QEMU', hypervisorVersion: '7.2.0', externalSnapshotRevert: parts.externalSnapshotRevert ?? false, domains: [...domains] },
    ],
    exists: (path) => existing.has(path),
    tools: parts.tools ?? { qemuImg: '/usr/bin/qemu-img', virsh: '/usr/bin/virsh' },
    dataDir: '/home/u/.local/share/snaptree',
    trash: [...(parts.trash ?? [])],
    agents: new Set(parts.agents ?? []),
    now: new Date('2026-12-01T09:30:00Z'),
    ...(parts.freeBytes === undefined ? {} : { freeBytes: () => parts.freeBytes! }),
    ...(parts.chainMaps === undefined ? {} : { chainMap: (path: string) => parts.chainMaps![path] ?? null }),
    ...(parts.convertBytes === undefined ? {} : { convertBytes: (path: string, snapshot?: string) => parts.convertBytes![snapshot === undefined ? path : `${path}@${snapshot}`] ?? null }),
    ...(parts.qemuHolds === undefined ? {} : { qemuHolds: (path: string) => parts.qemuHolds!.includes(path) }),
    ...(parts.qemuWrites === undefined ? {} : { qemuWrites: (path: string) => parts.qemuWrites!.includes(path) }),
    ...(parts.missingFolders === undefined ? {} : { isFolder: (path: string) => !parts.missingFolders!.includes(path) }),
  };
}

/** Names a user may give a file, a domain or a snapshot: each must reach the tools as itself. */
export const HOSTILE = ['a b', `it's "q"`, '$(touch pwned)', '-x', 'a,b', 'line\nbreak', 'диск ✓ 日本'];
