import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlockJobRaw } from './blockjob-raw.js';

/** Real stdout of virsh 9.0 `blockjob D vda --raw`, polled while jobs ran (see fixtures/README.md). */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const polls = (name: string): string[] => fixture(name).split('----\n').filter((poll) => poll !== '');

describe('virsh blockjob --raw polls', () => {
  it('measures a pull by cur/end, poll after poll', () => {
    const seen = polls('virsh-blockjob-raw-during-pull.txt').map(parseBlockJobRaw);
    expect(seen[0]).toEqual({ kind: 'progress', fraction: 2621440 / 67108864 });
    expect(seen.at(-1)).toEqual({ kind: 'progress', fraction: 0.25 });
    const steps = seen.map((poll) => (poll?.kind === 'progress' ? poll.fraction : NaN));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('shows an active commit waiting one byte short of the end, then at the end', () => {
    const seen = polls('virsh-blockjob-raw-during-active-commit.txt').map(parseBlockJobRaw);
    const job = seen.filter((poll) => poll !== null);
    expect(job[0]).toEqual({ kind: 'progress', fraction: 12582911 / 12582912 });
    expect(job.at(-1)).toEqual({ kind: 'progress', fraction: 1 });
    expect(seen.at(-1)).toBeNull(); // polled after the pivot: the job is gone
  });

  it('says there is no job when virsh prints only a newline', () => {
    expect(fixture('virsh-blockjob-raw-no-job.txt')).toBe('\n');
    expect(parseBlockJobRaw(fixture('virsh-blockjob-raw-no-job.txt'))).toBeNull();
  });

  it('names the job but gives no fraction while its end is still 0', () => {
    expect(parseBlockJobRaw(' type=Block Pull\n bandwidth=0\n cur=0\n end=0\n\n')).toEqual({ kind: 'text', line: 'Block Pull' });
  });
});
