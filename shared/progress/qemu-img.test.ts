import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feedInChunks, feedWhole, fractions, texts } from './chunks.test-support.js';
import { qemuImgProgress } from './qemu-img.js';

/** Real stdout of qemu-img 7.2 `-p` (see fixtures/README.md for the command lines). */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('qemu-img -p progress', () => {
  it('reads every step of a convert, from 0 to 1, and nothing else', () => {
    const events = feedWhole(qemuImgProgress(), fixture('qemu-img-convert-p.txt'));
    const steps = fractions(events);
    expect(steps[0]).toBe(0);
    expect(steps[1]).toBeCloseTo(0.0714, 4);
    expect(steps.at(-1)).toBe(1);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(texts(events)).toEqual([]);
  });

  it('passes on the line a commit ends with', () => {
    const events = feedWhole(qemuImgProgress(), fixture('qemu-img-commit-p.txt'));
    expect(events.at(-1)).toEqual({ kind: 'text', line: 'Image committed.' });
    expect(events.at(-2)).toEqual({ kind: 'progress', fraction: 1 });
    expect(texts(events)).toEqual(['Image committed.']);
  });

  it('reads the uneven steps of a rebase', () => {
    const steps = fractions(feedWhole(qemuImgProgress(), fixture('qemu-img-rebase-p.txt')));
    expect(steps.slice(0, 3).map((step) => Math.round(step * 10000) / 100)).toEqual([0, 3.12, 6.25]);
    expect(steps.at(-1)).toBe(1);
  });

  it('gives the same events wherever the pipe cuts the output', () => {
    for (const name of ['qemu-img-convert-p.txt', 'qemu-img-commit-p.txt', 'qemu-img-rebase-p.txt']) {
      const whole = feedWhole(qemuImgProgress(), fixture(name));
      for (let seed = 1; seed <= 20; seed++) expect(feedInChunks(qemuImgProgress(), fixture(name), seed)).toEqual(whole);
    }
  });

  it('waits for the end of a line before reading it', () => {
    const stream = qemuImgProgress();
    expect(stream.push('    (12.3')).toEqual([]);
    expect(stream.push('4/100%)\r    (50')).toEqual([{ kind: 'progress', fraction: 0.1234 }]);
    expect(stream.end()).toEqual([{ kind: 'text', line: '(50' }]);
  });
});
