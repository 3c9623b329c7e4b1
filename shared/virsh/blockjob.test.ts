import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlockJob } from './blockjob.js';

/** Real stdout of virsh 9.0 `blockjob D vda --raw` (shared/progress/fixtures/README.md). */
const polls = (name: string): string[] => readFileSync(new URL(`../progress/fixtures/${name}`, import.meta.url), 'utf8').split('----\n').filter((poll) => poll !== '');

describe('virsh blockjob --raw, read as the job a disk has', () => {
  it('names the job and its cur/end while one runs, and none after it', () => {
    const seen = polls('virsh-blockjob-raw-during-active-commit.txt').map(parseBlockJob);
    expect(seen.find((job) => job !== null)).toEqual({ type: 'Active Block Commit', cur: 12582911, end: 12582912 });
    expect(seen.at(-1)).toBeNull();
    expect(polls('virsh-blockjob-raw-during-pull.txt').map(parseBlockJob)[0]).toMatchObject({ type: 'Block Pull', end: 67108864 });
  });

  it('finds no job in a newline, an error or text that says no figures', () => {
    expect(parseBlockJob('\n')).toBeNull();
    expect(parseBlockJob("error: invalid argument: disk 'vdb' not found in domain\n")).toBeNull();
    expect(parseBlockJob(' type=Block Pull\n cur=x\n end=4\n')).toBeNull();
  });
});
