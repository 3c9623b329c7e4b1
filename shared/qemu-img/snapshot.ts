import type { Argv } from '../argv.js';
import { imageOpts } from './image-opts.js';

/**
 * What `qemu-img snapshot` does to an image's internal snapshot table. Only `list`
 * reads; the others write into the image, so they never share a lock (`-U`) with a
 * running QEMU (data-safety rule 2).
 */
export type SnapshotAction =
  | { readonly kind: 'list' }
  | { readonly kind: 'create' | 'apply' | 'delete'; readonly name: string };

const FLAG = { create: '-c', apply: '-a', delete: '-d' } as const;

/**
 * `qemu-img snapshot -l | -c NAME | -a NAME | -d NAME --image-opts …`: `snapshot` has no
 * `-f`, so the format is named in the image options. The name is the option's own
 * argument (a leading dash is kept as a name). `-a` looks up an ID first, then the first
 * name match; `-d` the first name match alone (measured on 7.2: `-d 1` does not find ID 1):
 * a planner resolves names to what `info` shows before it builds this.
 */
export function snapshotArgv(qemuImg: string, path: string, format: string, action: SnapshotAction, options: { readonly quiet?: boolean } = {}): Argv {
  const quiet = options.quiet ? ['-q'] : [];
  const verb = action.kind === 'list' ? ['-U', '-l'] : [FLAG[action.kind], action.name];
  return [qemuImg, 'snapshot', ...quiet, ...verb, '--image-opts', imageOpts(path, format)];
}
