import type { Argv } from '../argv.js';

/** Which virsh, talking to which libvirt: every virsh argv starts `VIRSH -c URI`. */
export interface VirshTarget {
  readonly virsh: string;
  readonly uri: string;
}

/**
 * One virsh command. Callers pass every name (domain, snapshot, file) as the value of a
 * named option (`--domain D`, `--snapshotname S`), never as a bare argument: virsh reads
 * a bare `--x` as an option it does not know and refuses the command (in batch mode, the
 * whole batch).
 */
export function virshArgv(target: VirshTarget, command: string, args: readonly string[]): Argv {
  return [target.virsh, '-c', target.uri, command, ...args];
}

/** virsh splits `--diskspec`/`--memspec` values on commas; a literal comma is doubled. */
export function virshListValue(value: string): string {
  return value.replaceAll(',', ',,');
}
