import type { Progress, ProgressStream } from './progress.js';

/** Feeds `text` to a fresh stream in pieces of 1..`max` characters, from a seeded generator so a failure repeats. */
export function feedInChunks(stream: ProgressStream, text: string, seed: number, max = 17): Progress[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  const out: Progress[] = [];
  for (let at = 0; at < text.length; ) {
    const size = 1 + (next() % max);
    out.push(...stream.push(text.slice(at, at + size)));
    at += size;
  }
  return [...out, ...stream.end()];
}

export const feedWhole = (stream: ProgressStream, text: string): Progress[] => [...stream.push(text), ...stream.end()];

export const fractions = (events: readonly Progress[]): number[] => events.flatMap((event) => (event.kind === 'progress' ? [event.fraction] : []));

export const texts = (events: readonly Progress[]): string[] => events.flatMap((event) => (event.kind === 'text' ? [event.line] : []));
