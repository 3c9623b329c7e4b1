/**
 * One step of a plan, run: a tool through the host (its output read for progress as it
 * comes), a file renamed into the trash, a job's trash folder deleted, or a domain's XML
 * defined again. Every outcome is data for the job record, never a throw.
 */
import type { Argv } from '../../../shared/argv.js';
import type { Said } from '../../../shared/messages/problems.js';
import { say } from '../../../shared/messages/problems.js';
import { errorMessage } from '../../../shared/format.js';
import type { StepRecord } from '../../../shared/jobs/model.js';
import type { DefineStep, RunStep, Step } from '../../../shared/plans/plan.js';
import { parseDomJobInfo } from '../../../shared/progress/domjobinfo.js';
import { progressStream, type Progress, type ProgressStream } from '../../../shared/progress/progress.js';
import { parseQemuImgProgressLine } from '../../../shared/progress/qemu-img.js';
import { parseBlockJobVerboseLine } from '../../../shared/progress/virsh-block-job.js';
import { blockjobArgv } from '../../../shared/virsh/blockjob.js';
import { virshArgv, type VirshTarget } from '../../../shared/virsh/connection.js';
import { constants } from 'node:fs';
import { lstat, mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { HostCommandError, type Host } from '../host/host.js';
import { fsPath } from '../images/fs-path.js';
import { shellCommandOf, type ShellCommand, type VirshStepShells } from '../libvirt/step-shells.js';
import { Refusal } from '../refusal.js';
import { runDefineStep } from './define.js';
import { runMarkStep } from './mark.js';
import { runRestoreStep } from './restore.js';
import { moveToTrash, purgeJobTrash, standsAt } from './trash.js';

/**
 * A step whose new files libvirt makes for a domain (an external snapshot's overlays and
 * memory file). Its failure says little of them: a daemon that stopped mid-step may have
 * switched the domain onto its overlays all the same, so they are never moved away for it.
 */
export function madeByLibvirt(step: RunStep): boolean {
  return basename(step.argv[0]!) === 'virsh';
}

/**
 * virsh lost its daemon midway (stopped, crashed): what virsh says, in the C locale the
 * host runs it in. The daemon may yet finish what it began as it shuts down, so the step's
 * failure says nothing of whether its work was done.
 */
const LOST_DAEMON = /Disconnected from \S+ due to|End of file while reading data/;

export function lostDaemon(end: StepEnd): boolean {
  return LOST_DAEMON.test(String(end.error?.values.detail ?? ''));
}

/** The last lines of a step's output kept in its record. */
const TAIL_LINES = 40;
/** How often a memory snapshot's progress is asked of libvirt. */
const DOMJOBINFO_POLL_MS = 500;
/** A failure's detail: the end of what the tool said, enough for its reason. */
const DETAIL_CHARS = 1000;

export interface StepRun {
  readonly host: Host;
  readonly job: string;
  /** Aborted when the user cancels the job. */
  readonly signal: AbortSignal;
  /** The step's own 0..1, as its tool says it. */
  readonly progress: (fraction: number) => void;
  /** The step's output so far, its last lines (a progress line replaces the progress line before it). */
  readonly output: (tail: readonly string[]) => void;
  /** Where the short virsh steps run, over a connection kept open; without it each runs as a process. */
  readonly shells?: VirshStepShells;
}

export type StepEnd = Pick<StepRecord, 'outcome' | 'exitCode' | 'error' | 'output'> & {
  /** A tool was started: a file the step creates may now be there, half made. */
  readonly ran: boolean;
};

/** Failed before any tool ran. */
const failed = (error: Said): StepEnd => ({ outcome: 'failed', exitCode: null, error, output: null, ran: false });
const done: StepEnd = { outcome: 'done', exitCode: null, error: null, output: null, ran: true };

function saidOf(error: unknown): Said {
  if (error instanceof HostCommandError) return error.said;
  if (error instanceof Refusal && error.said !== null) return error.said;
  return say('jobs.step.failed', { detail: errorMessage(error) });
}

export async function runStep(step: Step, run: StepRun): Promise<StepEnd> {
  try {
    switch (step.op) {
      case 'run':
        return await runTool(step, run);
      case 'trash':
        try {
          await moveToTrash(step.path, run.job);
          return done;
        } catch (error) {
          return failed(say('jobs.step.trashFailed', { path: step.path, code: (error as NodeJS.ErrnoException).code ?? 'error', detail: errorMessage(error) }));
        }
      case 'purge':
        await purgeJobTrash(step.folder);
        return done;
      case 'define':
        // Never stopped halfway: libvirt defines all or nothing, and a virsh killed after the
        // daemon took the XML would leave a record saying "not done" of a domain that was
        // changed. A cancel lets it finish and stops before the next step.
        if (step.edit.kind === 'switch-disk') await refuseRunning(run.host, step);
        await runDefineStep(run.host, step, new AbortController().signal);
        return done;
      case 'restore':
        // As a define: libvirt starts the guest from its memory or does not, and a cancel waits for it.
        await runRestoreStep(run.host, step, new AbortController().signal);
        return done;
      case 'mark-folded':
        // All or nothing too: libvirt redefines the record or does not.
        await runMarkStep(run.host, step, new AbortController().signal);
        return done;
    }
  } catch (error) {
    return failed(saidOf(error));
  }
}

/**
 * A disk is switched only on a domain that is shut off. Started since the plan was made
 * (after the copy: qemu-img's lock kept it from starting during it), its QEMU writes into
 * the old file, which the next step would move to the trash while the copy goes stale.
 */
async function refuseRunning(host: Host, step: DefineStep): Promise<void> {
  const { stdout } = await host.run({ argv: virshArgv({ virsh: step.virsh, uri: step.domain.uri }, 'domstate', ['--domain', step.domain.uuid]), timeoutMs: 30_000 });
  const state = stdout.trim();
  if (state !== 'shut off') throw new Refusal(say('jobs.step.domainRuns', { domain: step.domain.name, state }));
}

/** The tail of a step's output: every line, but a progress line replaces the progress line before it. */
class Tail {
  readonly lines: string[] = [];
  private lastWasProgress = false;

  add(line: string, isProgress: boolean): void {
    if (isProgress && this.lastWasProgress) this.lines.pop();
    this.lines.push(line);
    this.lastWasProgress = isProgress;
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }
}

const asText = (line: string): Progress => ({ kind: 'text', line: line.trim() });

async function runTool(step: RunStep, run: StepRun): Promise<StepEnd> {
  // virsh screenshot cannot make the folder of its file: the first snapshot of a domain would have none.
  for (const folder of step.makesFolders) await mkdir(fsPath(folder), { recursive: true, mode: 0o700 });
  // Never over a file: the plan was made when it was not there, and something put it there since.
  const claim = await claimCreates(step);
  if ('taken' in claim) return failed(say('jobs.step.exists', { path: claim.taken }));
  const program = step.argv[0]!;
  const target = targetOf(step);
  const tail = new Tail();
  let stdout = '';
  let stderr = '';
  // Each pipe is split on \r and \n by a stream of its own (they are cut in separate
  // places); each line goes to the step's parser, to the tail, and its fraction onwards.
  const lines = (parseLine: (line: string) => Progress): ProgressStream =>
    progressStream((line) => {
      const item = parseLine(line);
      tail.add(line.trim(), item.kind === 'progress');
      if (item.kind === 'progress') run.progress(item.fraction);
      return item;
    });
  const out = lines(step.progress === 'qemu-img' ? parseQemuImgProgressLine : asText);
  const err = lines(step.progress === 'virsh-block-job' ? parseBlockJobVerboseLine : asText);
  const push = (stream: ProgressStream, chunk: string): void => {
    if (stream.push(chunk).length > 0) run.output(tail.lines);
  };

  const stopPolling = step.progress === 'domjobinfo' && target !== null && step.domain ? pollDomJobInfo(run, target, step.domain.name) : () => undefined;
  const cancel = cancelHandler(step, run, target);
  run.signal.addEventListener('abort', cancel.onAbort, { once: true });
  const onStdout = (chunk: string): void => {
    if (step.keepOutput) stdout += chunk;
    push(out, chunk);
  };
  const onStderr = (chunk: string): void => {
    stderr = (stderr + chunk).slice(-DETAIL_CHARS * 4);
    push(err, chunk);
  };
  const { shells } = run;
  const inShell = shells === undefined ? null : shellCommandFor(step);
  try {
    const running =
      shells !== undefined && inShell !== null
        ? shells.run(inShell).then((said) => {
            onStdout(said.stdout);
            onStderr(said.stderr);
            return said;
          })
        : run.host.stream({
            argv: step.argv as [string, ...string[]],
            signal: cancel.signal,
            // A step a cancel interrupts is interrupted alike when Snaptree dies; one a cancel lets finish is let finish.
            interruptedWithCaller: cancel.signal !== undefined,
            onStdout,
            onStderr,
          });
    const result = await running.catch(async (error: unknown) => {
      // The tool never started (not installed, not runnable): its files are taken back.
      await releaseAll(claim.reserved);
      throw error;
    });
    // A last line with no \r or \n after it (virsh's final percentage) is read at the end.
    if ([...out.end(), ...err.end()].length > 0) run.output(tail.lines);
    const output = step.keepOutput ? stdout : null;
    const ended = { exitCode: result.exitCode, output, ran: true };
    if (result.exitCode !== null && step.okExitCodes.includes(result.exitCode)) return { ...ended, outcome: 'done', error: null };
    if (run.signal.aborted && step.cancel !== 'wait') return { ...ended, outcome: 'cancelled', error: say('jobs.step.cancelled') };
    if (result.exitCode === null) return { ...ended, outcome: 'failed', error: say('jobs.step.signal', { program, signal: result.signal ?? 'SIGKILL' }) };
    const detail = (stderr.trim() || tail.lines.at(-1) || '').slice(-DETAIL_CHARS);
    return { ...ended, outcome: 'failed', error: say('jobs.step.exitCode', { program, exitCode: result.exitCode, detail }) };
  } finally {
    run.signal.removeEventListener('abort', cancel.onAbort);
    stopPolling();
  }
}

/**
 * A virsh step that no signal stops and whose output says no progress runs in the job's
 * virsh shell, already connected (see step-shells.ts); null for every other step. Its end
 * is read from the shell's own output; no signal reaches it, as none reaches a step a
 * cancel lets finish (it runs in a process group of its own).
 */
export function shellCommandFor(step: RunStep): ShellCommand | null {
  if (stoppedBySignal(step, targetOf(step)) || (step.progress !== 'none' && step.progress !== 'domjobinfo')) return null;
  return shellCommandOf(step.argv);
}

/** An empty file the runner made for a tool to write into, as it was made. */
interface Reserved {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/**
 * Makes sure no step's new file is there, and for a tool that truncates what it creates
 * (qemu-img opens its new file with O_TRUNC) makes each one first, empty and exclusively
 * (O_EXCL fails on anything there, a dangling link too): a file put there between a check
 * and the tool's start would be emptied. libvirt refuses a file that exists, and a
 * screenshot's folder is Snaptree's own, so their files are only looked for.
 */
async function claimCreates(step: RunStep): Promise<{ reserved: Reserved[] } | { taken: string }> {
  const reserved: Reserved[] = [];
  try {
    for (const path of step.creates) {
      const made = madeByLibvirt(step) ? ((await standsAt(path)) ? null : undefined) : await reserve(path);
      if (made === null) {
        await releaseAll(reserved);
        return { taken: path };
      }
      if (made !== undefined) reserved.push(made);
    }
  } catch (error) {
    await releaseAll(reserved);
    throw error;
  }
  return { reserved };
}

/** The new empty file, or null when anything is at the path. */
async function reserve(path: string): Promise<Reserved | null> {
  let handle: FileHandle;
  try {
    handle = await open(fsPath(path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
  try {
    const { dev, ino } = await handle.stat();
    return { path, dev, ino };
  } finally {
    await handle.close();
  }
}

/** Removes the runner's own empty files that no tool wrote into: only the very file it made, still empty. */
async function releaseAll(reserved: readonly Reserved[]): Promise<void> {
  for (const { path, dev, ino } of reserved) {
    const stats = await lstat(fsPath(path)).catch(() => null);
    if (stats !== null && stats.dev === dev && stats.ino === ino && stats.size === 0) await unlink(fsPath(path)).catch(() => undefined);
  }
}

/**
 * What a cancel does to this step: SIGINT through the stream's own signal, or a virsh
 * command that stops the libvirt job (the step's virsh then ends by itself), or nothing
 * for a short all-or-nothing step (the job stops before the next one).
 */
function cancelHandler(step: RunStep, run: StepRun, target: VirshTarget | null): { signal: AbortSignal | undefined; onAbort: () => void } {
  if (stoppedBySignal(step, target)) return { signal: run.signal, onAbort: () => undefined };
  const argv = abortArgv(step, target);
  return { signal: undefined, onAbort: argv === null ? () => undefined : () => void run.host.run({ argv, timeoutMs: 30_000 }).catch(() => undefined) };
}

/** The virsh command that stops the step's libvirt job; null where there is none to name (a cancel that waits, or a plan without the domain). */
function abortArgv(step: RunStep, target: VirshTarget | null): Argv | null {
  const domain = step.domain;
  if (target === null || domain === undefined) return null;
  if (step.cancel === 'blockjob-abort') return domain.disk === undefined ? null : blockjobArgv(target, domain.name, domain.disk, 'abort');
  if (step.cancel === 'domjobabort') return virshArgv(target, 'domjobabort', ['--domain', domain.name]);
  return null;
}

/** SIGINT stops the step: qemu-img's, and a virsh whose libvirt job the plan cannot name (virsh then asks libvirt to stop it itself). */
function stoppedBySignal(step: RunStep, target: VirshTarget | null): boolean {
  return step.cancel === 'sigint' || (step.cancel !== 'wait' && abortArgv(step, target) === null);
}

/** The virsh and connection a step's libvirt job is on, for the commands that follow or stop it. */
function targetOf(step: RunStep): VirshTarget | null {
  return step.domain === undefined ? null : { virsh: step.argv[0]!, uri: step.domain.uri };
}

/** Asks libvirt how far a memory snapshot is every half second until stopped. */
function pollDomJobInfo(run: StepRun, target: VirshTarget, domain: string): () => void {
  let asking = false;
  const timer = setInterval(() => {
    if (asking) return;
    asking = true;
    run.host
      .run({ argv: virshArgv(target, 'domjobinfo', ['--domain', domain]), timeoutMs: 5_000 })
      .then(({ stdout }) => {
        const progress = parseDomJobInfo(stdout);
        if (progress?.kind === 'progress') run.progress(progress.fraction);
      })
      .catch(() => undefined) // between polls the job may end, or the domain go: the step's own exit says what happened
      .finally(() => (asking = false));
  }, DOMJOBINFO_POLL_MS);
  return () => clearInterval(timer);
}
