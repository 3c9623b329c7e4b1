/**
 * The backing graph as a plan of several merges leaves it: which file backs which, and
 * which domain disk's chain holds which files. A delete with `--children` folds one
 * snapshot after another, each on the chains the earlier ones left, so each merge updates
 * this copy instead of the World (which stays as scanned). Pure: no I/O.
 */
import type { Domain } from '../libvirt/model.js';
import { disksAreLocal } from '../libvirt/uri.js';
import type { World } from './world.js';
import { qemuRuns } from './dependents.js';

/** A domain's disk and its chain, active layer first. */
export interface DiskChain {
  readonly uri: string;
  readonly domain: Domain;
  readonly target: string;
  readonly running: boolean;
  chain: string[];
}

export interface ChainGraph {
  /** Whether the forest has the file. */
  has(path: string): boolean;
  /** The file it backs onto, or null for a base. */
  backingOf(path: string): string | null;
  formatOf(path: string): string;
  /** Images whose backing file is it. */
  overlaysOf(path: string): string[];
  /** Domain disks whose chain holds it. */
  disksOf(path: string): DiskChain[];
  /** `top`'s data is now in its backing file: its overlays and chains skip it. */
  commit(top: string): void;
  /** `overlay` took the data of the files it skips and now backs onto `backing` (null: none). */
  pull(overlay: string, backing: string | null): void;
}

export function chainGraph(world: World): ChainGraph {
  const backing = new Map<string, string | null>();
  const formats = new Map<string, string>();
  // A file an earlier job moved to the trash is one its plan said nothing uses: it is not a
  // dependent (else a fold, trashing its overlay, would make the next delete pull instead of commit).
  const trashed = new Set(world.trash.map((entry) => entry.trashed));
  for (const image of world.forest.images.filter((candidate) => !trashed.has(candidate.path))) {
    backing.set(image.path, image.backing ? image.backing.image : null);
    formats.set(image.path, image.format);
  }
  const chainFrom = (path: string, fallback: readonly string[]): string[] => {
    // The headers say what QEMU reads; libvirt's <backingStore> may be stale (a shut-off domain's).
    if (!backing.has(path)) return [...fallback];
    const chain = [path];
    for (let below = backing.get(path); below && !chain.includes(below); below = backing.get(below) ?? null) chain.push(below);
    return chain;
  };
  const disks: DiskChain[] = world.connections
    .filter((connection) => disksAreLocal(connection.uri))
    .flatMap((connection) =>
      connection.domains.flatMap((domain) =>
        domain.disks.filter((disk) => disk.activePath !== null).map((disk) => ({ uri: connection.uri, domain, target: disk.target, running: qemuRuns(domain), chain: chainFrom(disk.activePath!, disk.chain) })),
      ),
    );
  return {
    has: (path) => backing.has(path),
    backingOf: (path) => backing.get(path) ?? null,
    formatOf: (path) => formats.get(path) ?? 'qcow2',
    overlaysOf: (path) => [...backing].filter(([, below]) => below === path).map(([overlay]) => overlay),
    disksOf: (path) => disks.filter((disk) => disk.chain.includes(path)),
    commit(top) {
      const below = backing.get(top) ?? null;
      for (const [overlay, was] of backing) if (was === top) backing.set(overlay, below);
      backing.delete(top);
      for (const disk of disks) disk.chain = disk.chain.filter((path) => path !== top);
    },
    pull(overlay, newBacking) {
      backing.set(overlay, newBacking);
      for (const disk of disks.filter((candidate) => candidate.chain.includes(overlay))) disk.chain = chainFrom(disk.chain[0]!, disk.chain);
    },
  };
}
