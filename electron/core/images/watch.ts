import { closeSync, constants, fstatSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { detectFormat } from '../../../shared/images/magic.js';
import { fsPath } from './fs-path.js';
import { FIRST_READ } from './read.js';

/** Changes within this window are one change: qemu-img writes a new overlay in several steps. */
const SETTLE_MS = 300;
/** How long a failed watcher rests before its folder is watched afresh. */
const RETRY_MS = 1000;

/**
 * A digest of the start of a file, as much as the scanner first reads, and for anything
 * but qcow2 its length too (a raw image's virtual size is its length: a resize must
 * show; a qcow2 grows with the guest's writes, and its size is in its header).
 * '' for anything but a readable file.
 */
function headerOf(path: string): string {
  try {
    // Non-blocking, so that opening a FIFO does not wait for a writer; only files are read.
    const fd = openSync(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return '';
      const head = Buffer.alloc(FIRST_READ);
      const read = head.subarray(0, readSync(fd, head, 0, FIRST_READ, 0));
      const length = detectFormat(read) === 'qcow2' ? '' : String(stats.size);
      return createHash('sha1').update(read).update(length).digest('base64');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * Watches folders recursively and calls `onChange` once things settle. A folder that
 * cannot be watched (gone, no permission) is skipped; the next scan reports it.
 *
 * The recursive watcher reports a 'change' for every write into a file, and a running VM
 * writes into its disk all the time. What a scan shows of a file comes from its header,
 * so a write rescans only when the header changed; creating, removing and renaming
 * always do. A file's first write since watching began rescans once: there is no
 * header to compare it with yet.
 *
 * Node's recursive watcher (20.x) takes the folder as text and gives names as text: a
 * byte that is not UTF-8 arrives as U+FFFD, and a subfolder so named is not watched. A
 * rename there still rescans; a write into such a file names no file, so its header is
 * '' each time and it rescans at most once: the next scan shows the header as it is then.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private timer: NodeJS.Timeout | null = null;
  /** A file or folder was created, removed or renamed since the last `onChange`. */
  private renamed = false;
  /** Files written into since the last look. */
  private readonly written = new Set<string>();
  /** The header digest of each file written into, when last looked at. */
  private readonly headers = new Map<string, string>();

  constructor(private readonly onChange: () => void) {}

  watch(folders: readonly string[]): void {
    this.close();
    for (const folder of folders) this.follow(folder);
  }

  private follow(folder: string): void {
    try {
      const watcher = watch(folder, { recursive: true }, (event, name) => this.noticed(folder, event, name));
      watcher.on('error', () => this.restart(folder, watcher));
      this.watchers.set(folder, watcher);
    } catch {
      // not watchable now; the scan says why
    }
  }

  /**
   * A watcher that failed (a new subfolder it cannot read, no inotify watches left) no
   * longer sees all of its tree: watch the folder afresh, and rescan for what was missed.
   */
  private restart(folder: string, failed: FSWatcher): void {
    if (this.watchers.get(folder) !== failed) return;
    failed.close();
    this.watchers.delete(folder);
    const retry = setTimeout(() => {
      this.retries.delete(retry);
      this.follow(folder);
      this.renamed = true;
      this.settle();
    }, RETRY_MS);
    this.retries.add(retry);
  }

  private noticed(folder: string, event: string, name: string | null): void {
    if (event === 'change' && name !== null) {
      this.written.add(join(folder, name));
      // Writes never postpone the look: a guest that writes all the time would hold it off forever.
      this.timer ??= setTimeout(() => this.settled(), SETTLE_MS);
      return;
    }
    this.renamed = true;
    if (name !== null) this.headers.delete(join(folder, name));
    this.settle();
  }

  private settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settled(), SETTLE_MS);
  }

  private settled(): void {
    this.timer = null;
    // Every file written into is looked at, so that each one's digest is current.
    const headerChanged = [...this.written].filter((path) => this.headerChanged(path)).length > 0;
    this.written.clear();
    if (!this.renamed && !headerChanged) return;
    this.renamed = false;
    this.onChange();
  }

  private headerChanged(path: string): boolean {
    const header = headerOf(path);
    const before = this.headers.get(path);
    this.headers.set(path, header);
    return header !== before;
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    for (const retry of this.retries) clearTimeout(retry);
    this.retries.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.renamed = false;
    this.written.clear();
    this.headers.clear();
  }
}
