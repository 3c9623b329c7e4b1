import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * The virsh commands of an external revert on libvirt 9.0, which refuses one itself
 * (reference 6.1): stop the domain, start it or restore its memory on the new overlays,
 * and mark the snapshot current. Every name is an option's value (connection.ts).
 */

/** `virsh destroy --domain D`: the QEMU process ends at once; its RAM is discarded, its disks are left as they are. */
export function destroyArgv(target: VirshTarget, domain: string): Argv {
  return virshArgv(target, 'destroy', ['--domain', domain]);
}

/** `virsh start --domain D [--paused]`. */
export function startArgv(target: VirshTarget, domain: string, options: { readonly paused?: boolean } = {}): Argv {
  return virshArgv(target, 'start', ['--domain', domain, ...(options.paused ? ['--paused'] : [])]);
}

/** `virsh managedsave-remove --domain D`: drops the RAM `virsh managedsave` kept, which the next start would resume from. */
export function managedsaveRemoveArgv(target: VirshTarget, domain: string): Argv {
  return virshArgv(target, 'managedsave-remove', ['--domain', domain]);
}

/** `virsh snapshot-current --domain D --snapshotname S`: S becomes the parent of the next snapshot. */
export function snapshotCurrentArgv(target: VirshTarget, domain: string, name: string): Argv {
  return virshArgv(target, 'snapshot-current', ['--domain', domain, '--snapshotname', name]);
}

/** `virsh save-image-dumpxml --file MEM --security-info`: the domain XML saved with a memory image, secrets included. */
export function saveImageDumpxmlArgv(target: VirshTarget, memoryFile: string): Argv {
  return virshArgv(target, 'save-image-dumpxml', ['--file', memoryFile, '--security-info']);
}

/** `virsh restore --file MEM --xml X [--running|--paused]`: the guest back from its saved memory, on the disks X names. */
export function restoreArgv(target: VirshTarget, memoryFile: string, xml: string, then?: 'running' | 'paused'): Argv {
  return virshArgv(target, 'restore', ['--file', memoryFile, '--xml', xml, ...(then ? [`--${then}`] : [])]);
}

/** `virsh snapshot-dumpxml --domain D --snapshotname S --security-info`: the snapshot with the domain definition it saved. */
export function snapshotDumpxmlArgv(target: VirshTarget, domain: string, name: string): Argv {
  return virshArgv(target, 'snapshot-dumpxml', ['--domain', domain, '--snapshotname', name, '--security-info']);
}
