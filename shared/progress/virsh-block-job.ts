import { progress, progressStream, type Progress, type ProgressStream } from './progress.js';

/**
 * `virsh blockcommit|blockpull|blockcopy … --wait --verbose` (libvirt 9.0) redraws a
 * percentage on stderr, each update starting with `\r`, and never ends it with a newline:
 *
 *     "\rBlock commit: [ 41 %]\rBlock commit: [ 99 %]\rBlock commit: [100 %]"
 *     "\rBlock Pull: [  3 %]\rBlock Pull: [  4 %]…\rBlock Pull: [ 25 %]\rBlock Pull: [100 %]"
 *
 * and its final status on stdout: `\nSuccessfully pivoted\n`, `\nCommit complete\n`,
 * `\nPull complete\n`. The label is the job's (`blockjob --info` prints
 * `Active Block Commit: [ 10 %]` the same way), so any label is accepted.
 */
const STEP = /^([^:]+): \[\s*(\d+) %\]$/;

export function parseBlockJobVerboseLine(line: string): Progress {
  const step = STEP.exec(line.trim());
  return step ? progress(Number(step[2]) / 100) : { kind: 'text', line: line.trim() };
}

/** One for stderr and one for stdout: they are separate pipes, cut in separate places. */
export const blockJobVerboseProgress = (): ProgressStream => progressStream(parseBlockJobVerboseLine);
