import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh snapshot-revert --domain D --snapshotname N [--running|--paused] [--force]`: the
 * user chooses how the guest comes back (neither: as the snapshot's state was); `--force` only when asked (it accepts a revert
 * libvirt cannot prove compatible). The domain ID changes on every revert: key on UUID.
 */
export function snapshotRevertArgv(target: VirshTarget, domain: string, name: string, options: { readonly then?: 'running' | 'paused'; readonly force?: boolean }): Argv {
  return virshArgv(target, 'snapshot-revert', ['--domain', domain, '--snapshotname', name, ...(options.then ? [`--${options.then}`] : []), ...(options.force ? ['--force'] : [])]);
}
