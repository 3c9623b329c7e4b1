import { realpathSync } from 'node:fs';
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
