import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh screenshot --domain D --file F`: the domain's display as an image file. Fails
 * (rc 1) on a domain with no display: `Requested operation is not valid: no screens to
 * take screenshot from`.
 */
export function screenshotArgv(target: VirshTarget, domain: string, file: string): Argv {
  return virshArgv(target, 'screenshot', ['--domain', domain, '--file', file]);
}
