/**
 * What a progress parser makes of one line of a tool's output: how far the job is, or a line
 * of text to show as it is (a final status such as "Image committed.", or anything unknown).
 */
export type Progress =
  | { readonly kind: 'progress'; /** 0..1 */ readonly fraction: number }
  | { readonly kind: 'text'; readonly line: string };

/** Fed chunks as they arrive; `end` when the stream closes gives what the last chunk left. */
export interface ProgressStream {
  push(chunk: string): Progress[];
  end(): Progress[];
}

export const progress = (fraction: number): Progress => ({ kind: 'progress', fraction: Math.min(1, Math.max(0, fraction)) });

/**
 * Tools redraw a progress line with `\r` and end their output with `\n`, and a pipe cuts
 * chunks anywhere, so a line is only parsed once its `\r` or `\n` (or the stream's end) has
 * arrived. Blank lines (the `\n` after the last `\r`) say nothing and are dropped.
 */
export function progressStream(parseLine: (line: string) => Progress): ProgressStream {
  let rest = '';
  const parse = (lines: readonly string[]): Progress[] => lines.filter((line) => line.trim() !== '').map(parseLine);
  return {
    push(chunk) {
      const lines = (rest + chunk).split(/[\r\n]/);
      rest = lines.pop()!;
      return parse(lines);
    },
    end() {
      const last = rest;
      rest = '';
      return parse([last]);
    },
  };
}
