import { errorMessage } from '../../shared/format.js';
import type { Forest, Image } from '../../shared/images/model.js';
import { linkInventory, type Linked } from '../../shared/libvirt/link.js';
import { localDomainFiles } from '../../shared/libvirt/uri.js';
import type { Connection } from '../../shared/libvirt/model.js';
import { say } from '../../shared/messages/problems.js';
import type { Host } from './host/host.js';
import { scanPaths } from './images/scan.js';
import { FolderWatcher } from './images/watch.js';
import { ScanCanonical } from './libvirt/canonical.js';
import { LibvirtConnections } from './libvirt/connections.js';

export interface WorkspaceEvents {
  forestChanged(scannedAt: string): void;
  inventoryChanged(): void;
}

/** The last forest kept, with the reason the new scan failed on each folder: nothing shown is lost. */
function failedScan(previous: Forest | null, folders: readonly string[], error: unknown): Forest {
  const failed = say('image.watchedPath.scanFailed', { reason: errorMessage(error) });
  return { images: previous?.images ?? [], errors: folders.map((path) => ({ path, ...failed })), skipped: previous?.skipped ?? [], scannedAt: new Date().toISOString() };
}

const sameConnections = (a: readonly Connection[], b: readonly Connection[]): boolean => a.length === b.length && a.every((connection, index) => connection === b[index]);

/**
 * Whether a file read again says what the scan read: its header, its problems, where it is.
 * Not its size: a running guest's active layer grows by the second (the view then takes the
 * size read now, nothing else to link again).
 */
function sameHeader(scanned: Image, reread: Image): boolean {
  const header = ({ actualSize: _size, folder: _folder, ...rest }: Image) => JSON.stringify(rest);
  return header(scanned) === header(reread);
}

/**
 * What the window shows: the image forest of the watched folders and the libvirt
 * connections, linked. Started on first use; kept live by folder watches and libvirt
 * events; each change is rescanned (coalesced) and linked again.
 */
export class Workspace {
  private folders: string[] = [];
  private forest: Promise<Forest> | null = null;
  private scanning = false;
  private changedDuringScan = false;
  private linked: { forest: Forest; connections: readonly Connection[]; result: Linked } | null = null;
  private readonly watcher = new FolderWatcher(() => void this.rescan());
  private readonly canonical = new ScanCanonical();
  private readonly libvirt: LibvirtConnections;
  private scannedFor = '';
  private linkedChains = '';
  private paths: { forest: Forest; byPath: Map<string, Image> } | null = null;

  constructor(
    private readonly host: Host,
    private readonly events: WorkspaceEvents,
  ) {
    this.libvirt = new LibvirtConnections(host, () => this.inventoryChanged());
  }

  get started(): boolean {
    return this.forest !== null;
  }

  async start(folders: string[], uris: string[]): Promise<void> {
    if (this.started) return;
    this.folders = folders;
    this.watcher.watch(folders);
    // The images never wait for libvirt: a slow or dead connection only delays its domains.
    void this.libvirt.follow(uris);
    await this.rescan();
  }

  async setFolders(folders: string[]): Promise<void> {
    this.folders = folders;
    if (!this.started) return;
    this.watcher.watch(folders);
    await this.rescan();
  }

  setConnections(uris: string[]): void {
    if (this.started) void this.libvirt.follow(uris);
  }

  /** The forest and the connections, linked; linking again only when either changed. */
  async view(): Promise<Linked> {
    const forest = await this.forest!;
    const connections = this.libvirt.current();
    if (this.linked?.forest !== forest || !sameConnections(this.linked.connections, connections)) {
      this.linked = { forest, connections, result: linkInventory(forest.images, connections, this.canonical.of(forest)) };
    }
    return this.linked!.result;
  }

  async scannedForest(): Promise<Forest> {
    const forest = await this.forest!;
    return { ...forest, images: (await this.view()).images };
  }

  /**
   * The view with these files' headers and these domains read again now: what a job's plan
   * is checked against just before it starts (a watch or an event may not have arrived yet).
   * Only what the plan stands on: a start must not cost a rescan of every watched folder.
   */
  async freshFor(files: readonly string[], domains: readonly { readonly uri: string; readonly name: string }[]): Promise<Linked> {
    // The headers are read while libvirt answers: neither waits for the other. libvirt is
    // asked first, so that virsh and the daemon work while this process reads the headers.
    const domainsRead = this.libvirt.refreshDomainsNow(domains);
    domainsRead.catch(() => undefined);
    const headers = (async () => {
      const forest = await this.forest!;
      // Only what the view holds is read again: a file it never held (a trashed one, a target)
      // stays out, as it was when the plan was shown; the planners ask whether it exists.
      const listed = this.pathsOf(forest);
      const held = new Set(files.filter((path) => listed.has(path)));
      return { forest, held, reread: await scanPaths(this.host, [], [...held]) };
    })();
    // Handled here too: whichever read fails first must not leave the other's rejection unheard.
    headers.catch(() => undefined);
    await domainsRead;
    const { forest, held, reread } = await headers;
    const byPath = new Map(reread.images.map((image) => [image.path, image]));
    // Nothing the plan stands on changed since the view was linked (the usual start): that view.
    const unchanged = (fresh: Image) => {
      const scanned = this.pathsOf(forest).get(fresh.path);
      return scanned !== undefined && sameHeader(scanned, fresh);
    };
    const moved = this.canonical.resolveAgain(forest, [...byPath.keys()]);
    // Linked on the old answers: neither the view nor the next start may take it again.
    if (moved) this.linked = null;
    if (!moved && this.linked?.forest === forest && sameConnections(this.linked.connections, this.libvirt.current()) && [...held].every((path) => byPath.has(path)) && reread.images.every(unchanged)) {
      // With the sizes read now: a merge's free-space blocker weighs what the layers hold now.
      // Copied only when one grew or shrank: a view of 10,000 images costs a millisecond to copy.
      const { result } = this.linked;
      const resized = (image: Image) => {
        const size = byPath.get(image.path)?.actualSize;
        return size !== undefined && size !== image.actualSize;
      };
      // The view was linked from this forest: its images have the forest's sizes.
      if (!reread.images.some((fresh) => resized(this.pathsOf(forest).get(fresh.path)!))) return result;
      return { ...result, images: result.images.map((image) => (resized(image) ? { ...image, actualSize: byPath.get(image.path)!.actualSize } : image)) };
    }
    // A file read again keeps the folder it was listed under; a file gone since drops out.
    const images = forest.images.flatMap((image) => {
      const fresh = byPath.get(image.path);
      if (fresh !== undefined) return [{ ...fresh, folder: image.folder }];
      return files.includes(image.path) ? [] : [image];
    });
    return linkInventory(images, this.libvirt.current(), this.canonical.of(forest));
  }

  /** The forest's images by path: made once per scan (a millisecond for 10,000), looked up at every job's start. */
  private pathsOf(forest: Forest): Map<string, Image> {
    if (this.paths?.forest !== forest) this.paths = { forest, byPath: new Map(forest.images.map((image) => [image.path, image])) };
    return this.paths.byPath;
  }

  /** Paths of the layers QEMU writes to and of the snapshots' overlays: scanned too, so that chains outside the folders show. */
  private domainFiles(): string[] {
    return localDomainFiles(this.libvirt.current());
  }

  /** Reads the images again; never fails: a scan that throws is reported in the forest's errors. */
  rescan(): Promise<Forest> {
    if (this.scanning && this.forest !== null) {
      this.changedDuringScan = true;
      return this.forest;
    }
    this.scanning = true;
    const previous = this.forest;
    this.forest = (async () => {
      try {
        let scanned: Forest;
        do {
          this.changedDuringScan = false;
          const disks = this.domainFiles();
          this.scannedFor = this.scanSignature();
          scanned = await scanPaths(this.host, this.folders, disks).catch(async (error: unknown) => failedScan(await previous, this.folders, error));
        } while (this.changedDuringScan);
        // Indexed as it is made, not at the next job's start, which looks its files up in it.
        this.pathsOf(scanned);
        this.events.forestChanged(scanned.scannedAt);
        return scanned;
      } finally {
        this.scanning = false;
      }
    })();
    return this.forest;
  }

  /**
   * What the scan depends on besides the folders: the domains' disks and their snapshots,
   * and which domains are paused. libvirt lists an internal snapshot of a running domain
   * while QEMU, the domain paused, is still writing it into the image: a scan then finds the
   * image without it (stale, it would say), and the resume that follows reads it again.
   */
  private scanSignature(): string {
    const snapshots = this.libvirt.current().flatMap((c) => c.domains.map((d) => `${d.uuid}:${d.state === 'paused' ? 'paused:' : ''}${d.snapshots.map((snapshot) => snapshot.name).join('/')}`));
    return JSON.stringify([this.domainFiles(), snapshots]);
  }

  /** What the images' links depend on: which connections answer and every disk's chain. */
  private chainsSignature(): string {
    return JSON.stringify(this.libvirt.current().map((c) => [c.reachable, c.domains.map((d) => [d.uuid, d.name, d.disks.map((disk) => disk.chain)])]));
  }

  private inventoryChanged(): void {
    if (!this.started) return;
    // New disks (a new overlay) or new snapshots (an internal one changes its image's
    // snapshot table) need the images read again; changed chains need them linked again;
    // anything else (a domain's state) leaves them be.
    const chains = this.chainsSignature();
    if (this.scanSignature() !== this.scannedFor) void this.rescan();
    else if (chains !== this.linkedChains) this.events.forestChanged(new Date().toISOString());
    this.linkedChains = chains;
    this.events.inventoryChanged();
  }

  close(): void {
    this.watcher.close();
    this.libvirt.close();
  }
}
