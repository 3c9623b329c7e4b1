import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/** `virsh blockjob --domain D --path vda --raw | --abort`: read the disk's block job (shared/progress/blockjob-raw.ts parses it), or stop it. */
export function blockjobArgv(target: VirshTarget, domain: string, disk: string, action: 'read' | 'abort'): Argv {
  return virshArgv(target, 'blockjob', ['--domain', domain, '--path', disk, action === 'read' ? '--raw' : '--abort']);
}

