import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feedInChunks, feedWhole, fractions, texts } from './chunks.test-support.js';
import { blockJobVerboseProgress } from './virsh-block-job.js';

/** Real stderr and stdout of virsh 9.0 `--wait --verbose` block jobs (see fixtures/README.md). */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('virsh block job --verbose progress', () => {
  it('reads an active commit with pivot: its percentages on stderr, its outcome on stdout', () => {
    const stderr = feedWhole(blockJobVerboseProgress(), fixture('virsh-blockcommit-active-pivot-verbose.stderr.txt'));
    expect(stderr).toEqual([
      { kind: 'progress', fraction: 0.41 },
      { kind: 'progress', fraction: 0.99 },
      { kind: 'progress', fraction: 1 },
    ]);
    const stdout = feedWhole(blockJobVerboseProgress(), fixture('virsh-blockcommit-active-pivot-verbose.stdout.txt'));
    expect(stdout).toEqual([{ kind: 'text', line: 'Successfully pivoted' }]);
  });

  it('reads a pull, whose last step before 100 % is where the data ended', () => {
    const events = feedWhole(blockJobVerboseProgress(), fixture('virsh-blockpull-verbose.stderr.txt'));
    const steps = fractions(events);
    expect(steps.slice(0, 3)).toEqual([0.03, 0.04, 0.06]);
    expect(steps.slice(-2)).toEqual([0.25, 1]);
    expect(texts(events)).toEqual([]);
    expect(feedWhole(blockJobVerboseProgress(), fixture('virsh-blockpull-verbose.stdout.txt'))).toEqual([{ kind: 'text', line: 'Pull complete' }]);
  });

  it('gives the same events wherever the pipe cuts the output', () => {
    for (const name of ['virsh-blockcommit-active-pivot-verbose.stderr.txt', 'virsh-blockpull-verbose.stderr.txt', 'virsh-blockpull-verbose.stdout.txt']) {
      const whole = feedWhole(blockJobVerboseProgress(), fixture(name));
      for (let seed = 1; seed <= 20; seed++) expect(feedInChunks(blockJobVerboseProgress(), fixture(name), seed, 7)).toEqual(whole);
    }
  });

  it('takes the last percentage, left without a newline, only when the stream ends', () => {
    const stream = blockJobVerboseProgress();
    expect(stream.push('\rBlock commit: [ 99 %]\rBlock commit: [100 %]')).toEqual([{ kind: 'progress', fraction: 0.99 }]);
    expect(stream.end()).toEqual([{ kind: 'progress', fraction: 1 }]);
  });

  it('passes an error through as text', () => {
    const events = feedWhole(blockJobVerboseProgress(), "error: invalid argument: disk 'vdz' not found in domain\n");
    expect(events).toEqual([{ kind: 'text', line: "error: invalid argument: disk 'vdz' not found in domain" }]);
  });
});
