import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../shared/jobs/model.js';
import { progressFacts, progressReporter } from './progress.js';

const said = (message: string) => ({ key: 'test', values: {}, message });
const step = { op: 'run' as const, says: said('Copy a.img into b\nqcow2'), changes: [], argv: ['qemu-img', 'convert', '-p', '--', "it's.img", 'b.qcow2'], creates: [], progress: 'qemu-img' as const, cancel: 'sigint' as const, okExitCodes: [0], optional: false, keepOutput: false };

function job(state: Job['state'], progress: Job['progress'], waitingFor: string | null = null): Job {
  return { id: 'j1', plan: { steps: [step] } as unknown as Job['plan'], state, createdAt: '', startedAt: null, endedAt: null, waitingFor: waitingFor === null ? null : said(waitingFor), steps: [], progress, left: [], files: [], recovery: null };
}

/** What a reporter wrote to a stream that is (or is not) a terminal. */
function written(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (text: string) => chunks.push(text) } as unknown as NodeJS.WriteStream;
  return { report: progressReporter(stream), text: () => chunks.join('') };
}

afterEach(() => vi.useRealTimers());

describe('progress on stderr', () => {
  it('says percent, speed and time left where the job knows them', () => {
    expect(progressFacts(job('running', { step: 0, fraction: 0.456, bytesPerSecond: 2.5 * 1024 * 1024, secondsLeft: 3725 }))).toBe('45%  2.5 MiB/s  1:02:05 left');
    expect(progressFacts(job('running', { step: 0, fraction: null, bytesPerSecond: null, secondsLeft: 12 }))).toBe('0:12 left');
  });

  it('writes a line per step and at most a line of progress a second where stderr is not a terminal', () => {
    vi.useFakeTimers();
    const { report, text } = written(false);
    report(job('waiting', null, 'Waits for job j0, which holds b.qcow2'));
    report(job('running', { step: 0, fraction: 0, bytesPerSecond: null, secondsLeft: null }));
    vi.advanceTimersByTime(300);
    report(job('running', { step: 0, fraction: 0.1, bytesPerSecond: 1024, secondsLeft: 9 }));
    vi.advanceTimersByTime(1000);
    report(job('running', { step: 0, fraction: 0.5, bytesPerSecond: 1024, secondsLeft: 5 }));
    report(job('done', { step: 0, fraction: 1, bytesPerSecond: 1024, secondsLeft: 0 }));
    expect(text()).toBe(
      [
        'Waits for job j0, which holds b.qcow2',
        // The sentence is escaped, the command kept as a shell reads it back.
        'Step 1/1: Copy a.img into b\\nqcow2',
        "  $ qemu-img convert -p -- 'it'\\''s.img' b.qcow2",
        '0%',
        '50%  1.0 KiB/s  0:05 left',
        '',
      ].join('\n'),
    );
  });

  it('redraws one bar in place on a terminal, and clears it when the job ends', () => {
    const { report, text } = written(true);
    report(job('running', { step: 0, fraction: 0.5, bytesPerSecond: null, secondsLeft: null }));
    report(job('done', { step: 0, fraction: 1, bytesPerSecond: null, secondsLeft: null }));
    expect(text()).toContain(`\r\x1b[K[${'#'.repeat(15)}${'.'.repeat(15)}] 50%`);
    expect(text().endsWith('\r\x1b[K')).toBe(true);
  });
});
