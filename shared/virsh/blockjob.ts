import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/** `virsh blockjob --domain D --path vda --raw | --abort`: read the disk's block job, or stop it. */
export function blockjobArgv(target: VirshTarget, domain: string, disk: string, action: 'read' | 'abort'): Argv {
  return virshArgv(target, 'blockjob', ['--domain', domain, '--path', disk, action === 'read' ? '--raw' : '--abort']);
}

export interface BlockJob {
  /** `Block Pull`, `Block Copy`, `Block Commit`, `Active Block Commit`, `Backup`. */
  readonly type: string;
  readonly cur: number;
  readonly end: number;
}

/**
 * `blockjob --raw`: one ` key=value` per line (leading space), nothing when no job runs.
 * Captured during an active commit:
 *
 *      type=Active Block Commit
 *      bandwidth=10
 *      cur=16777216
 *      end=167772160
 *
 * The job is done when `cur == end` (an active commit then also waits for `ready`).
 */
export function parseBlockJobRaw(stdout: string): BlockJob | null {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1));
  }
  const type = fields.get('type');
  if (type === undefined) return null;
  return { type, cur: Number(fields.get('cur') ?? 0), end: Number(fields.get('end') ?? 0) };
}
