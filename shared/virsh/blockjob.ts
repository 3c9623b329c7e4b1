import type { Argv } from '../argv.js';
import type { BlockJob } from '../libvirt/model.js';
import { virshArgv, type VirshTarget } from './connection.js';

/** `virsh blockjob --domain D --path vda --raw | --abort`: read the disk's block job (parseBlockJob), or stop it. */
export function blockjobArgv(target: VirshTarget, domain: string, disk: string, action: 'read' | 'abort'): Argv {
  return virshArgv(target, 'blockjob', ['--domain', domain, '--path', disk, action === 'read' ? '--raw' : '--abort']);
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
