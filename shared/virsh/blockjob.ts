import type { Argv } from '../argv.js';
import type { BlockJob } from '../libvirt/model.js';
import { virshArgv, type VirshTarget } from './connection.js';

const flags = { read: '--raw', abort: '--abort', pivot: '--pivot' } as const;

/** `virsh blockjob --domain D --path vda --raw | --abort | --pivot`: read the disk's block job (parseBlockJob), stop it, or finish a ready mirror. */
export function blockjobArgv(target: VirshTarget, domain: string, disk: string, action: keyof typeof flags): Argv {
  return virshArgv(target, 'blockjob', ['--domain', domain, '--path', disk, flags[action]]);
}


/**
 * `virsh blockjob D vda --raw` (libvirt 9.0), stdout: ` type=Active Block Commit\n
 * bandwidth=1\n cur=33554431\n end=33554432\n\n` while a job runs, `\n` alone when the
 * disk has none. Null for no job, or for text that does not say one.
 */
export function parseBlockJob(text: string): BlockJob | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const field = /^\s*(\w+)=(.*)$/.exec(line);
    if (field) fields.set(field[1]!, field[2]!.trim());
  }
  const cur = Number(fields.get('cur'));
  const end = Number(fields.get('end'));
  if (!fields.has('cur') || !fields.has('end') || !Number.isFinite(cur) || !Number.isFinite(end)) return null;
  return { type: fields.get('type') ?? '', cur, end };
}

/**
 * A mirroring job (an active commit, a copy) that has copied everything: it waits for a pivot
 * or an abort and never ends by itself. libvirt keeps `cur` one short of `end` until the
 * mirror is ready, so equal figures say it (qemu-libvirt-reference.md, blockjob --raw).
 */
export function waitsForPivot(job: BlockJob): boolean {
  return (job.type === 'Active Block Commit' || job.type === 'Block Copy') && job.end > 0 && job.cur === job.end;
}
