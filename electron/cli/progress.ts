/**
 * A running job's progress on stderr (stdout is for the plan or the JSON): on a terminal a
 * bar redrawn in place, otherwise a line per step and a line of percent, speed and time left
 * at most once a second, so a log stays readable.
 */
import { formatBytes, terminalText } from '../../shared/format.js';
import type { Job } from '../../shared/jobs/model.js';
import { stepCommands } from '../../shared/plans/commands.js';
import { printableShellLine } from '../../shared/shell-words.js';
import { commandText } from './plan-text.js';

const BAR_WIDTH = 30;

function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** `45%  12.3 MiB/s  0:12 left`, each part where the job knows it. */
export function progressFacts(job: Job): string {
  const progress = job.progress;
  if (progress === null) return '';
  return [
    progress.fraction === null ? null : `${Math.floor(progress.fraction * 100)}%`,
    progress.bytesPerSecond === null ? null : `${formatBytes(progress.bytesPerSecond)}/s`,
    progress.secondsLeft === null ? null : `${duration(progress.secondsLeft)} left`,
  ]
    .filter((part) => part !== null)
    .join('  ');
}

function bar(fraction: number | null): string {
  const filled = fraction === null ? 0 : Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

const ENDED = new Set(['done', 'failed', 'cancelled', 'interrupted']);

/** Returns what to call with each change of the job: it writes what changed. */
export function progressReporter(stream: NodeJS.WriteStream): (job: Job) => void {
  let step = -1;
  let waiting = false;
  let lastLine = 0;
  let lastFacts = '';
  let drawn = false;
  const write = (text: string): void => void stream.write(text);
  const clearBar = (): void => {
    if (drawn) write('\r\x1b[K');
    drawn = false;
  };
  return (job) => {
    if (job.state === 'waiting' && !waiting && job.waitingFor !== null) {
      waiting = true;
      write(`${terminalText(job.waitingFor.message)}\n`);
    }
    const running = job.progress?.step ?? -1;
    if (job.state === 'running' && running !== step && running >= 0) {
      step = running;
      const planned = job.plan.steps[running]!;
      clearBar();
      write(`Step ${running + 1}/${job.plan.steps.length}: ${terminalText(planned.says.message)}\n`);
      for (const command of stepCommands(planned, printableShellLine)) write(`  $ ${commandText(command)}\n`);
    }
    if (ENDED.has(job.state)) {
      clearBar();
      return;
    }
    if (job.state !== 'running') return;
    const facts = progressFacts(job);
    if (stream.isTTY) {
      write(`\r\x1b[K${bar(job.progress?.fraction ?? null)} ${facts}`);
      drawn = true;
    } else if (facts !== '' && facts !== lastFacts && Date.now() - lastLine >= 1000) {
      lastLine = Date.now();
      lastFacts = facts;
      write(`${facts}\n`);
    }
  };
}
