import type { Argv } from '../argv.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img check [-r leaks|all | -U] --output=json -f FMT -- FILE`. `-U` only when asked
 * (`shared`): an image a running QEMU writes to may show leaks that are not there, so
 * the plan that asks says so. `-r` writes, which rule 2 forbids on a held image, and
 * qemu-img refuses `-U` with it: the two never go together.
 */
export function checkArgv(qemuImg: string, path: string, format: ImageFormat, options: { readonly repair?: 'leaks' | 'all'; readonly shared?: boolean } = {}): Argv {
  if (options.repair !== undefined && options.shared) throw new Error('a repairing check cannot share the lock of a running QEMU');
  const mode = options.repair !== undefined ? ['-r', options.repair] : options.shared ? ['-U'] : [];
  return [qemuImg, 'check', ...mode, '--output=json', '-f', format, '--', path];
}

/**
 * Exit codes of a check that ran: 0 clean (or all repaired), 2 corruptions, 3 only leaks.
 * 1 means it could not run (stdout empty); 63 that the format has no check.
 */
export const CHECK_RAN_EXIT_CODES: readonly number[] = [0, 2, 3];

export interface CheckResult {
  readonly corruptions: number;
  readonly leaks: number;
  readonly corruptionsFixed: number;
  readonly leaksFixed: number;
  readonly checkErrors: number;
}

/**
 * The counts of `qemu-img check --output=json`. qemu-img leaves out every count that is
 * zero, so a missing key is 0. A lazy-refcount image after a crash, captured:
 *
 *     {
 *         "image-end-offset": 262144,
 *         "total-clusters": 16,
 *         "check-errors": 0,
 *         "corruptions": 8,
 *         "filename": "top.qcow2",
 *         "format": "qcow2"
 *     }
 */
export function parseCheck(stdout: string): CheckResult {
  const json = JSON.parse(stdout) as Record<string, unknown>;
  const count = (key: string): number => (typeof json[key] === 'number' ? json[key] : 0);
  return {
    corruptions: count('corruptions'),
    leaks: count('leaks'),
    corruptionsFixed: count('corruptions-fixed'),
    leaksFixed: count('leaks-fixed'),
    checkErrors: count('check-errors'),
  };
}
