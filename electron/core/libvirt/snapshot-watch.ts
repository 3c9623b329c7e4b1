/**
 * A watch on libvirt's snapshot metadata folder (`<root>/snapshot/<domain>/<snapshot>.xml`):
 * a disk-only snapshot raises no domain event at all (seen with libvirt 9.0), but it writes
 * one of these files.
 *
 * One plain inotify watch per folder, two levels deep, not Node's recursive watch: that
 * one (Node 20 on Linux) watches every file, and closes itself for good on the first error,
 * which a domain folder removed while it is being listed (a domain undefined) raises. Here a
 * folder that goes away only drops its own watch, and any failure arms the whole watch again
 * a moment later and asks for a full read, since changes may have been missed meanwhile.
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/** How long a failed watch waits before it is armed again. */
const REARM_MS = 1000;

export interface SnapshotWatch {
  close(): void;
}

/**
 * Calls `changed` with the domain's name when a file in its snapshot folder changes, or
 * with null when it cannot tell which domain (the watch was armed again: read them all).
 */
export function watchSnapshotMetadata(root: string, changed: (domain: string | null) => void): SnapshotWatch {
  const folder = join(root, 'snapshot');
  let top: FSWatcher | null = null;
  const domains = new Map<string, FSWatcher>();
  let rearm: NodeJS.Timeout | null = null;
  let closed = false;

  const disarm = () => {
    top?.close();
    top = null;
    for (const watcher of domains.values()) watcher.close();
    domains.clear();
  };

  const failed = (error?: unknown) => {
    disarm();
    // Not this user's to read (a desktop user in the libvirt group): events alone must do;
    // trying again each second would only read every domain again each second.
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (closed || rearm || code === 'EACCES' || code === 'EPERM') return;
    rearm = setTimeout(() => {
      rearm = null;
      if (closed) return;
      arm();
      changed(null);
    }, REARM_MS);
  };

  /** A domain's folder, watched afresh: one removed and made again is another inode. */
  const watchDomain = (name: string) => {
    domains.get(name)?.close();
    domains.delete(name);
    try {
      const watcher = watch(join(folder, name), () => changed(name));
      // The folder went away (the domain was undefined): only its own watch ends.
      watcher.on('error', () => {
        watcher.close();
        domains.delete(name);
      });
      domains.set(name, watcher);
    } catch {
      // not a folder, or gone already: nothing to watch
    }
  };

  const arm = () => {
    try {
      // Until the first snapshot on this host there is no snapshot folder: watch for it.
      let names: string[] | null = null;
      try {
        // Watched before it is listed: a domain's folder made in between is told, not missed.
        top = watch(folder, (_event, name) => {
          const domain = String(name ?? '');
          if (domain === '') return changed(null);
          watchDomain(domain);
          changed(domain);
        });
        top.on('error', failed);
        names = readdirSync(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        top?.close();
        top = watch(root, (_event, name) => {
          if (String(name) !== 'snapshot') return;
          disarm();
          arm();
          changed(null);
        });
        top.on('error', failed);
      }
      for (const name of names ?? []) watchDomain(name);
    } catch (error) {
      failed(error);
    }
  };

  arm();
  return {
    close() {
      closed = true;
      if (rearm) clearTimeout(rearm);
      disarm();
    },
  };
}
