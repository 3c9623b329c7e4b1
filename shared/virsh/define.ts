import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh dumpxml --inactive --domain D --security-info`: the persistent definition, as the
 * next boot would use it and as `define` takes it back. Without `--security-info` libvirt
 * leaves out secrets such as a VNC or SPICE password, and defining that XML again would
 * drop them from the domain.
 */
export function dumpxmlInactiveArgv(target: VirshTarget, domain: string): Argv {
  return virshArgv(target, 'dumpxml', ['--inactive', '--domain', domain, '--security-info']);
}

/** `virsh define --file F`: defines (or redefines, by UUID) a domain from an XML file; `/dev/stdin` reads it from a pipe. */
export function defineArgv(target: VirshTarget, file: string): Argv {
  return virshArgv(target, 'define', ['--file', file]);
}
