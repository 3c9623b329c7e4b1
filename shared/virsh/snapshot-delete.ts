import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh snapshot-delete --domain D --snapshotname N [--metadata]`. Without `--metadata`
 * libvirt removes internal snapshots from the qcow2 and merges external ones (deleting
 * the overlay); `--metadata` drops libvirt's record only, for a plan that moves the files itself.
 */
export function snapshotDeleteArgv(target: VirshTarget, domain: string, name: string, options: { readonly metadataOnly?: boolean } = {}): Argv {
  return virshArgv(target, 'snapshot-delete', ['--domain', domain, '--snapshotname', name, ...(options.metadataOnly ? ['--metadata'] : [])]);
}
