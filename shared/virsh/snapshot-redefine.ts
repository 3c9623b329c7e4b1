import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh snapshot-create --domain D --xmlfile F --redefine`: a snapshot's record written
 * again from its own XML (as `snapshot-dumpxml --security-info` gave it), no file touched.
 * Measured on libvirt 9.0: the parent and "current" stay as they were.
 */
export function snapshotRedefineArgv(target: VirshTarget, domain: string, file: string): Argv {
  return virshArgv(target, 'snapshot-create', ['--domain', domain, '--xmlfile', file, '--redefine']);
}
