import { parseBlockJob } from '../virsh/blockjob.js';
import { progress, type Progress } from './progress.js';

/**
 * One poll of `virsh blockjob DOMAIN DISK --raw` (libvirt 9.0), stdout:
 *
 *     " type=Block Pull\n bandwidth=2\n cur=2621440\n end=67108864\n\n"
 *
 * and `\n` alone when the disk has no job. An active commit waits at `cur=end-1`
 * (`cur=12582911 end=12582912`) until its mirror is ready, then shows `cur == end`.
 *
 * Returns null when there is no job, the job's type as text while `end` is still 0 (no
 * fraction yet), and cur/end otherwise.
 */
export function parseBlockJobRaw(text: string): Progress | null {
  const job = parseBlockJob(text);
  if (job === null) return null;
  if (job.end <= 0) return { kind: 'text', line: job.type };
  return progress(job.cur / job.end);
}
