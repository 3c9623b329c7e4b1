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
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const field = /^\s*(\w+)=(.*)$/.exec(line);
    if (field) fields.set(field[1]!, field[2]!.trim());
  }
  const cur = Number(fields.get('cur'));
  const end = Number(fields.get('end'));
  if (!fields.has('cur') || !fields.has('end') || !Number.isFinite(cur) || !Number.isFinite(end)) return null;
  if (end <= 0) return { kind: 'text', line: fields.get('type') ?? '' };
  return progress(cur / end);
}
