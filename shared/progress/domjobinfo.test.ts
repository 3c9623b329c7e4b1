import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDomJobInfo } from './domjobinfo.js';
import type { Progress } from './progress.js';

/** Real stdout of virsh 9.0 `domjobinfo D`, polled during a memory snapshot (see fixtures/README.md). */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const polls = (name: string): string[] => fixture(name).split('----\n').filter((poll) => poll !== '');

describe('virsh domjobinfo during a memory snapshot', () => {
  const seen = polls('virsh-domjobinfo-during-memspec.txt').map(parseDomJobInfo);
  const fraction = (poll: Progress | null): number | null => (poll?.kind === 'progress' ? poll.fraction : null);

  it('has no fraction before the save starts', () => {
    expect(seen[0]).toBeNull();
  });

  it('measures the save by what remains of the total, as virsh --verbose does', () => {
    const running = seen.filter((poll) => fraction(poll) !== null && fraction(poll)! < 1);
    expect(running.length).toBeGreaterThan(0);
    // Data remaining 180.625 MiB of Data total 256.375 MiB.
    expect(running[0]).toEqual({ kind: 'progress', fraction: (256.375 - 180.625) / 256.375 });
    const steps = running.map((poll) => fraction(poll)!);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('is done when the job is Completed, with or without its statistics', () => {
    expect(seen.filter((poll) => fraction(poll) === 1).length).toBeGreaterThan(0);
    expect(parseDomJobInfo(fixture('virsh-domjobinfo-completed.txt'))).toEqual({ kind: 'progress', fraction: 1 });
  });

  it('falls back to the memory totals when no data totals are printed', () => {
    expect(parseDomJobInfo('Job type:         Unbounded   \nMemory remaining: 1.000 GiB\nMemory total:     4.000 GiB\n')).toEqual({
      kind: 'progress',
      fraction: 0.75,
    });
    expect(parseDomJobInfo('Job type:         Unbounded   \nOperation:        Snapshot    \n')).toBeNull();
  });
});
