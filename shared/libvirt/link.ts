/**
 * Ties libvirt's view to the image forest: which images each domain's disks use, which
 * files hold each snapshot's state, and the problems only the two together reveal.
 * Pure: the core passes `canonical`, which maps a path to the file it really is
 * (symlinks and `..` resolved) or null when nothing is there.
 */
import { baseName } from '../format.js';
import type { Image, Problem } from '../images/model.js';
import { say } from '../messages/problems.js';
import { isMarkedFolded } from './folded.js';
import { disksAreLocal, knowsEveryLocalDomain } from './uri.js';
import type { Connection, Domain, DomainDisk, LibvirtProblem, Snapshot } from './model.js';

export type Canonical = (path: string) => string | null;

export interface Linked {
  readonly images: Image[];
  readonly connections: Connection[];
}

/** Images by the names of the internal snapshots they carry. */
type Carriers = (name: string) => readonly Image[];

/** Whether a layer's backing chain (itself included) reaches a file of the domain's chain. */
function reaches(image: Image, chain: ReadonlySet<string | null>, imageAt: (canon: string | null) => Image | undefined, canonical: Canonical): boolean {
  const seen = new Set<string>();
  for (let layer: Image | undefined = image; layer && !seen.has(layer.path); ) {
    seen.add(layer.path);
    const canon = canonical(layer.path);
    if (chain.has(canon)) return true;
    layer = layer.backing?.image ? imageAt(canonical(layer.backing.image)) : undefined;
  }
  return false;
}

/** What a snapshot is judged by besides its own record: the domain's chains now, and the other snapshots' overlays. */
interface Judge {
  readonly chains: ReadonlyMap<string, (string | null)[]>;
  /** Per disk target, the overlays the domain's external snapshots made (canonical paths). */
  readonly overlays: ReadonlyMap<string, ReadonlySet<string | null>>;
  readonly imageAt: (canon: string | null) => Image | undefined;
  readonly canonical: Canonical;
  readonly carriers: Carriers;
  /** Whether another domain's chain holds the file: its internal snapshots are that domain's. */
  readonly otherDomainHolds: (canon: string | null) => boolean;
}

function stateOfSnapshot(snapshot: Snapshot, judge: Judge): Snapshot {
  const { chains, imageAt, canonical, carriers } = judge;
  const problems: LibvirtProblem[] = [];
  const stateFiles: string[] = [];
  let otherBranch = false;
  for (const disk of snapshot.disks) {
    const chain = chains.get(disk.target) ?? [];
    if (disk.snapshot === 'external' && disk.file !== null) {
      const overlay = canonical(disk.file);
      if (overlay === null) {
        problems.push({ code: 'snapshot-file-missing', ...say('libvirt.snapshotFileMissing.overlay', { file: disk.file, target: disk.target }) });
        continue;
      }
      // The snapshot's disk state is what lies below the overlay made at that point.
      const below = imageAt(overlay)?.backing;
      if (below?.image) stateFiles.push(below.image);
      else if (below) problems.push({ code: 'snapshot-file-missing', ...say('libvirt.snapshotFileMissing.backing', { overlay: baseName(disk.file), path: below.path, target: disk.target }) });
      // A chain of the active layer alone, unread (a disk on another host, a file this user
      // cannot read), says nothing of what lies below it: cannot tell.
      const chainKnown = chain.length > 1 || imageAt(chain[0] ?? null) !== undefined;
      if (chainKnown && !chain.includes(overlay)) {
        // Where the state's own chain runs through the layer QEMU writes to now, that layer
        // has changed since (as after a manual active blockcommit): stale. A state below the
        // active layer is the snapshot a revert went back to. Anywhere else it is intact, on
        // a branch kept after a revert.
        // In the chain, the layer above the state tells which: a revert's fresh overlay, or
        // another snapshot's overlay, spliced onto it when this one's was committed away by hand.
        const stateCanon = below?.image ? canonical(below.image) : null;
        const state = imageAt(stateCanon);
        const level = chain.indexOf(stateCanon);
        const spliced = level > 0 && judge.overlays.get(disk.target)?.has(chain[level - 1] ?? null) === true;
        if (state === undefined || spliced || reaches(state, new Set([chain[0] ?? null]), imageAt, canonical)) {
          problems.push({ code: 'stale-snapshot', ...say('libvirt.staleSnapshot.external', { overlay: baseName(disk.file), target: disk.target }) });
        } else if (level < 0) otherBranch = true;
      }
    } else if (disk.snapshot === 'internal') {
      const read = chain.map(imageAt).filter((image) => image !== undefined);
      const carrier = read.find((image) => image.snapshots.some((internal) => internal.name === snapshot.name));
      // After a revert to an older snapshot the layer that carries it left the chain, but
      // still stands on it (reference 3.6): another branch, while the layer QEMU writes to
      // now is not below it.
      const active = new Set([chain[0] ?? null]);
      // Never a layer of another domain's chain: linked clones share bases and snapshot names.
      const elsewhere = carrier
        ? undefined
        : carriers(snapshot.name).find((image) => !judge.otherDomainHolds(canonical(image.path)) && reaches(image, new Set(chain), imageAt, canonical) && !reaches(image, active, imageAt, canonical));
      if (carrier) stateFiles.push(carrier.path);
      else if (elsewhere) {
        stateFiles.push(elsewhere.path);
        otherBranch = true;
      }
      // No image of the chain was read (a disk on another host, a network disk): cannot tell.
      else if (read.length > 0) {
        problems.push({ code: 'stale-snapshot', ...say('libvirt.staleSnapshot.internal', { target: disk.target, snapshot: snapshot.name }) });
      }
    }
  }
  // Kept at a merge though its state was folded away: stale, whatever its files say now.
  if (isMarkedFolded(snapshot.description)) problems.push({ code: 'stale-snapshot', ...say('libvirt.staleSnapshot.folded') });
  if (snapshot.memory === 'external' && snapshot.memoryFile !== null && canonical(snapshot.memoryFile) === null) {
    problems.push({ code: 'snapshot-file-missing', ...say('libvirt.snapshotFileMissing.memory', { file: snapshot.memoryFile }) });
  }
  return { ...snapshot, stateFiles, otherBranch: otherBranch && problems.length === 0, problems };
}

/** Follows the image headers down from the active layer and compares them with libvirt's chain. */
function chainMismatch(disk: DomainDisk, chain: (string | null)[], imageAt: (canon: string | null) => Image | undefined, canonical: Canonical): LibvirtProblem | null {
  // A persistent definition without <backingStore> leaves the chain to the headers: nothing to compare.
  if (disk.chain.length < 2) return null;
  for (let level = 0; level < chain.length - 1; level++) {
    const image = imageAt(chain[level] ?? null);
    if (image === undefined) return null; // not scanned: cannot tell
    const headerBelow = image.backing?.image ? canonical(image.backing.image) : null;
    if (headerBelow !== chain[level + 1]) {
      const pair = { target: disk.target, below: baseName(disk.chain[level + 1]!), above: baseName(disk.chain[level]!) };
      return { code: 'chain-mismatch', ...(image.backing ? say('libvirt.chainMismatch.named', { ...pair, name: image.backing.name }) : say('libvirt.chainMismatch.none', pair)) };
    }
  }
  return null;
}

/**
 * A connection on another host names files there: its paths are compared as libvirt
 * wrote them, and no image here is linked to it or judged by it.
 */
const remotePath: Canonical = (path) => path;
const noImage = (): Image | undefined => undefined;

export function linkInventory(images: readonly Image[], connections: readonly Connection[], canonical: Canonical): Linked {
  const byCanonical = new Map<string, Image>();
  for (const image of images) {
    const canon = canonical(image.path);
    if (canon !== null) byCanonical.set(canon, image);
  }
  const localImageAt = (canon: string | null): Image | undefined => (canon === null ? undefined : byCanonical.get(canon));
  const byInternalName = new Map<string, Image[]>();
  for (const image of images) {
    for (const internal of image.snapshots) byInternalName.set(internal.name, [...(byInternalName.get(internal.name) ?? []), image]);
  }
  const carriers: Carriers = (name) => byInternalName.get(name) ?? [];
  const usedBy = new Map<string, Image['usedBy']>();

  // Which local domains' chains hold each file: a domain's snapshots are never found in another's.
  const holders = new Map<string, Set<string>>();
  for (const connection of connections.filter((candidate) => disksAreLocal(candidate.uri))) {
    for (const domain of connection.domains) {
      for (const disk of domain.disks) {
        for (const canon of diskChain(disk, canonical, localImageAt)) {
          if (canon === null) continue;
          const set = holders.get(canon) ?? new Set();
          set.add(domain.uuid);
          holders.set(canon, set);
        }
      }
    }
  }
  const linkedConnections = connections.map((connection) => {
    const local = disksAreLocal(connection.uri);
    return { ...connection, domains: connection.domains.map((domain) => linkDomain(domain, local ? canonical : remotePath, local ? localImageAt : noImage, local ? carriers : () => [], holders, usedBy)) };
  });

  // An overlay that nothing uses: no domain, and no image built on it.
  const libvirtKnown = knowsEveryLocalDomain(connections);
  const backing = new Set(images.map((image) => image.backing?.image).filter((path): path is string => Boolean(path)));
  const linkedImages = images.map((image): Image => {
    const users = usedBy.get(image.path) ?? [];
    const problems: Problem[] = [...image.problems];
    if (libvirtKnown && image.folder !== null && image.backing !== null && users.length === 0 && !backing.has(image.path)) {
      problems.push({ code: 'orphan-overlay', ...say('image.orphanOverlay') });
    }
    return { ...image, usedBy: users, problems };
  });
  return { images: linkedImages, connections: linkedConnections };
}

/**
 * The files of a disk's chain, active layer first. libvirt lists the whole chain for a
 * running domain; a persistent definition may name the active layer alone (a domain
 * never started since its disk-only snapshots), and then the image headers say the rest.
 */
function diskChain(disk: DomainDisk, canonical: Canonical, imageAt: (canon: string | null) => Image | undefined): (string | null)[] {
  const chain = disk.chain.map(canonical);
  if (chain.length !== 1) return chain;
  const seen = new Set(chain);
  for (let image = imageAt(chain[0]!); image?.backing?.image; ) {
    const below = canonical(image.backing.image);
    if (below === null || seen.has(below)) break;
    chain.push(below);
    seen.add(below);
    image = imageAt(below);
  }
  return chain;
}

/** One domain: the images its disks use (recorded in `usedBy`), its chain problems, each snapshot's state files and problems. */
function linkDomain(domain: Domain, canonical: Canonical, imageAt: (canon: string | null) => Image | undefined, carriers: Carriers, holders: ReadonlyMap<string, ReadonlySet<string>>, usedBy: Map<string, Image['usedBy']>): Domain {
  const chains = new Map(domain.disks.map((disk) => [disk.target, diskChain(disk, canonical, imageAt)]));
  const overlays = new Map<string, Set<string | null>>();
  for (const snapshot of domain.snapshots) {
    for (const disk of snapshot.disks) {
      if (disk.snapshot !== 'external' || disk.file === null) continue;
      const set = overlays.get(disk.target) ?? new Set();
      set.add(canonical(disk.file));
      overlays.set(disk.target, set);
    }
  }
  const otherDomainHolds = (canon: string | null) => canon !== null && [...(holders.get(canon) ?? [])].some((uuid) => uuid !== domain.uuid);
  const judge: Judge = { chains, overlays, imageAt, canonical, carriers, otherDomainHolds };
  const problems: LibvirtProblem[] = [];
  for (const disk of domain.disks) {
    const chain = chains.get(disk.target)!;
    chain.forEach((canon, level) => {
      const image = imageAt(canon);
      if (!image) return;
      const list = usedBy.get(image.path) ?? [];
      list.push({ domain: domain.name, uuid: domain.uuid, target: disk.target, active: level === 0 });
      usedBy.set(image.path, list);
    });
    const mismatch = chainMismatch(disk, chain, imageAt, canonical);
    if (mismatch) problems.push(mismatch);
  }
  return { ...domain, problems, snapshots: domain.snapshots.map((snapshot) => stateOfSnapshot(snapshot, judge)) };
}
