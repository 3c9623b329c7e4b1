import { watch, type FSWatcher } from 'node:fs';

/** Changes within this window are one change: qemu-img writes a new overlay in several steps. */
const SETTLE_MS = 300;

/**
 * Watches folders recursively and calls `onChange` once things settle. A folder that
 * cannot be watched (gone, no permission) is skipped; the next scan reports it.
 */
export class FolderWatcher {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly onChange: () => void) {}

  watch(folders: readonly string[]): void {
    this.close();
    for (const folder of folders) {
      try {
        const watcher = watch(folder, { recursive: true }, () => this.changed());
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // not watchable now; the scan says why
      }
    }
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, SETTLE_MS);
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
