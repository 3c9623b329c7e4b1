import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

export type CommitTop =
  /** The active layer: `--active --pivot`, so the disk runs on BASE afterwards. */
  | { readonly kind: 'active' }
  /** A layer below the active one (a path or `vda[N]`). */
  | { readonly kind: 'layer'; readonly top: string };

/**
 * `virsh blockcommit --domain D --path vda (--top T | --active --pivot) [--base B] --wait --verbose`:
 * a commit on a running domain (data-safety rule 2). Without BASE libvirt commits into
 * the bottom of the chain. `--verbose` prints `\rBlock commit: [ 50 %]` on stderr; stdout
 * ends `Commit complete` or `Successfully pivoted`. The files above BASE stay on disk.
 */
export function blockcommitArgv(target: VirshTarget, domain: string, disk: string, top: CommitTop, options: { readonly base?: string } = {}): Argv {
  const layer = top.kind === 'active' ? ['--active', '--pivot'] : ['--top', top.top];
  const base = options.base === undefined ? [] : ['--base', options.base];
  return virshArgv(target, 'blockcommit', ['--domain', domain, '--path', disk, ...layer, ...base, '--wait', '--verbose']);
}
