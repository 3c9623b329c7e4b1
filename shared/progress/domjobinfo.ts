import { progress, type Progress } from './progress.js';

/**
 * One poll of `virsh domjobinfo DOMAIN` (libvirt 9.0) while `snapshot-create-as --memspec`
 * saves the guest's memory:
 *
 *     Job type:         Unbounded
 *     Operation:        Snapshot
 *     Time elapsed:     48           ms
 *     Data processed:   44.019 MiB
 *     Data remaining:   180.625 MiB
 *     Data total:       256.375 MiB
 *     Memory processed: 44.019 MiB
 *     Memory remaining: 180.625 MiB
 *     Memory total:     256.375 MiB
 *     …
 *
 * `Job type:         None` before and after (a block job is not a domain job), and
 * `Job type:         Completed` with only `Operation:` once it is done. Processed and
 * remaining do not add up to the total (zero pages are counted in the total only), so the
 * fraction is virsh's own for `--verbose` migrations: (total - remaining) / total.
 *
 * Returns null when there is no job, or no totals to measure it by.
 */
const UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50 };

function bytes(value: string | undefined): number | null {
  const size = /^(\d+(?:\.\d+)?) (\w+)$/.exec(value ?? '');
  const unit = size && UNITS[size[2]!];
  return unit ? Number(size[1]) * unit : null;
}

export function parseDomJobInfo(text: string): Progress | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const field = /^([^:]+):\s*(.*?)\s*$/.exec(line);
    if (field) fields.set(field[1]!, field[2]!);
  }
  const type = fields.get('Job type');
  if (type === undefined || type === 'None') return null;
  for (const prefix of ['Data', 'Memory']) {
    const total = bytes(fields.get(`${prefix} total`));
    const remaining = bytes(fields.get(`${prefix} remaining`));
    if (total !== null && remaining !== null && total > 0) return progress((total - remaining) / total);
  }
  return type === 'Completed' ? progress(1) : null;
}
