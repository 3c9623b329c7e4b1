import { realpathSync } from 'node:fs';
import type { Forest } from '../../../shared/images/model.js';
import type { Canonical } from '../../../shared/libvirt/link.js';

/** The file a path really is (symlinks and `..` resolved), or null when nothing is there; cached for one linking pass. */
export function canonicalPaths(): Canonical {
  const cache = new Map<string, string | null>();
  return (path) => {
    let real = cache.get(path);
    if (real === undefined) {
      try {
        real = realpathSync.native(path);
      } catch {
        real = null;
      }
      cache.set(path, real);
    }
    return real;
  };
}

/**
 * Canonical paths for linking one scanned forest again and again (after each libvirt
 * event, before each job starts): its images' own paths are resolved once per scan, as
 * the scan read them, since a realpath per image costs a 10,000-image forest 40 ms a link.
 * Any other path (a disk libvirt names, a backing name) is resolved afresh on each link.
 */
export class ScanCanonical {
  private forest: Forest | null = null;
  private images = new Map<string, string | null>();
  private paths = new Set<string>();

  of(forest: Forest): Canonical {
    this.keep(forest);
    const fresh = canonicalPaths();
    return (path) => {
      if (!this.paths.has(path)) return fresh(path);
      let real = this.images.get(path);
      if (real === undefined) {
        real = fresh(path);
        this.images.set(path, real);
      }
      return real;
    };
  }

  /**
   * Resolves these image paths again (the files a job's start reads again): whether any
   * now leads elsewhere, a symlink pointed at another file since the scan. The next link
   * takes the new answers.
   */
  resolveAgain(forest: Forest, paths: readonly string[]): boolean {
    this.keep(forest);
    const fresh = canonicalPaths();
    let moved = false;
    for (const path of paths) {
      if (!this.paths.has(path)) continue;
      const real = fresh(path);
      if (this.images.has(path) && this.images.get(path) !== real) moved = true;
      this.images.set(path, real);
    }
    return moved;
  }

  private keep(forest: Forest): void {
    if (forest === this.forest) return;
    this.forest = forest;
    this.images = new Map();
    this.paths = new Set(forest.images.map((image) => image.path));
  }
}
