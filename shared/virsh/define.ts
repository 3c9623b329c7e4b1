import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh dumpxml --domain D --inactive --security-info`: the persistent XML as `define`
 * takes it back. Without `--security-info` libvirt leaves out secrets such as a VNC or
 * SPICE password, and defining that XML again would drop them from the domain.
 */
export function dumpxmlInactiveArgv(target: VirshTarget, domain: string): Argv {
  return virshArgv(target, 'dumpxml', ['--domain', domain, '--inactive', '--security-info']);
}

/** `virsh define --file F`: defines a new domain, or replaces the persistent XML of the one with F's UUID. */
export function defineArgv(target: VirshTarget, file: string): Argv {
  return virshArgv(target, 'define', ['--file', file]);
}
