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
  | { readonly kind: 'external'; readonly disks: readonly ExternalDisk[]; readonly memoryFile?: string };

/**
 * `virsh snapshot-create-as --domain D --name N [--description T] …`. External:
 * `--disk-only --atomic --diskspec vda,snapshot=external,file=P` per disk, or, for a
 * checkpoint, `--memspec file=M,snapshot=external` instead of `--disk-only`.
 */
export function snapshotCreateAsArgv(target: VirshTarget, domain: string, name: string, kind: SnapshotKind, options: { readonly description?: string } = {}): Argv {
  const description = options.description === undefined ? [] : ['--description', options.description];
  const external =
    kind.kind === 'internal'
      ? []
      : [
          ...(kind.memoryFile === undefined ? ['--disk-only'] : ['--memspec', `file=${virshListValue(kind.memoryFile)},snapshot=external`]),
          '--atomic',
          ...kind.disks.flatMap((disk) => ['--diskspec', `${virshListValue(disk.target)},snapshot=external,file=${virshListValue(disk.file)}`]),
        ];
  return virshArgv(target, 'snapshot-create-as', ['--domain', domain, '--name', name, ...description, ...external]);
}
