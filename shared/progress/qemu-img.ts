import { progress, progressStream, type Progress, type ProgressStream } from './progress.js';

/**
 * `qemu-img convert -p`, `commit -p` and `rebase -p` (qemu-img 7.2) print on stdout, even
 * to a pipe, one `\r`-ended update per step, values that may repeat, then one `\n`:
 *
 *     "    (0.00/100%)\r    (7.14/100%)\r    (14.29/100%)\r … "    (100.00/100%)\r\n"
 *
 * `commit -p` then says `Image committed.\n`.
 */
const STEP = /^\s*\((\d+(?:\.\d+)?)\/100%\)\s*$/;

export function parseQemuImgProgressLine(line: string): Progress {
  const step = STEP.exec(line);
  return step ? progress(Number(step[1]) / 100) : { kind: 'text', line: line.trim() };
}

export const qemuImgProgress = (): ProgressStream => progressStream(parseQemuImgProgressLine);
