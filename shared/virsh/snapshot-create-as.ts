import type { Argv } from '../argv.js';
import { virshArgv, virshListValue, type VirshTarget } from './connection.js';

/** One disk's new overlay in an external snapshot: the target (`vda`) and the file to create. */
export interface ExternalDisk {
  readonly target: string;
  readonly file: string;
}

export type SnapshotKind =
  /** libvirt's default: `savevm` on a running domain (pauses the guest), qemu-img when shut off. */
  | { readonly kind: 'internal' }
  /** A new overlay per disk, all or none (`--atomic`); with `memoryFile`, a checkpoint with the RAM too. */
  | {
      readonly kind: 'external';
      readonly disks: readonly ExternalDisk[];
      readonly memoryFile?: string;
      /** Targets left out (`snapshot=no`): unnamed, libvirt would give a writable disk an overlay of its own naming. */
      readonly skip?: readonly string[];
    };

export interface SnapshotCreateOptions {
  readonly description?: string;
  /** A checkpoint saved while the guest runs, not paused first. */
  readonly live?: boolean;
  /** The guest agent freezes the file systems first (libvirt takes it only with `--disk-only`). */
  readonly quiesce?: boolean;
}

/**
 * `virsh snapshot-create-as --domain D --name N [--description T] [--live] [--quiesce] …`.
 * External: `--disk-only --atomic --diskspec vda,snapshot=external,file=P` per disk (and
 * `--diskspec vdc,snapshot=no` per disk left out), or, for a checkpoint,
 * `--memspec file=M,snapshot=external` instead of `--disk-only`.
 */
export function snapshotCreateAsArgv(target: VirshTarget, domain: string, name: string, kind: SnapshotKind, options: SnapshotCreateOptions = {}): Argv {
  const description = options.description === undefined ? [] : ['--description', options.description];
  const flags = [...(options.live ? ['--live'] : []), ...(options.quiesce ? ['--quiesce'] : [])];
  const external =
    kind.kind === 'internal'
      ? []
      : [
          ...(kind.memoryFile === undefined ? ['--disk-only'] : ['--memspec', `file=${virshListValue(kind.memoryFile)},snapshot=external`]),
          '--atomic',
          ...kind.disks.flatMap((disk) => ['--diskspec', `${virshListValue(disk.target)},snapshot=external,file=${virshListValue(disk.file)}`]),
          ...(kind.skip ?? []).flatMap((skipped) => ['--diskspec', `${virshListValue(skipped)},snapshot=no`]),
        ];
  return virshArgv(target, 'snapshot-create-as', ['--domain', domain, '--name', name, ...description, ...flags, ...external]);
}
