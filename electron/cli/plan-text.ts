/**
 * Plans, jobs and the trash as a person reads them in a terminal. Every name in them came
 * from a file, a header or libvirt, so each line goes through terminalText: a newline in
 * a file name shows as `\n` and cannot fake a line of its own (docs/cli.md).
 */
import { formatBytes, terminalText } from '../../shared/format.js';
import type { Job, TrashEntry } from '../../shared/jobs/model.js';
import type { Sentence } from '../../shared/messages/sentence.js';
import { stepCommands } from '../../shared/plans/commands.js';
import { printableShellLine } from '../../shared/shell-words.js';
import type { Plan, TreeNode } from '../../shared/plans/plan.js';

/** A command line to copy into a shell: escaped as other text only where it holds more than backslashes (a quote's `'\''` must stay as it is to be pasted). */
export function commandText(line: string): string {
  const escaped = terminalText(line);
  return escaped === line.replaceAll('\\', '\\\\') ? line : escaped;
}

/** Lines of text, escaped; a command (`{ command }`) as commandText has it. */
type Line = string | { readonly command: string };

function lines(all: readonly Line[]): string {
  return all.map((line) => `${typeof line === 'string' ? terminalText(line) : commandText(line.command)}\n`).join('');
}

function list(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`${title}:`, ...items.map((item) => `  ${item}`)];
}

/** Blockers with what the user can do instead: said on stderr, after the plan (docs/cli.md). */
export function formatBlockers(plan: Plan): string {
  return lines(
    plan.blockers.flatMap((blocker) => [
      `Blocked: ${blocker.message}`,
      ...blocker.alternatives.flatMap((alternative) => [`  instead: ${alternative.message}`, ...(alternative.commands ?? []).map((command) => ({ command: `      $ ${command}` }))]),
    ]),
  );
}

/** A snapshot tree, each child indented under its parent, NOW marked on the current one. */
function treeLines(nodes: readonly TreeNode[], parent: string | null = null, depth = 1): string[] {
  return nodes
    .filter((node) => node.parent === parent)
    .flatMap((node) => [`${'  '.repeat(depth)}${node.name}${node.current ? '  <- NOW' : ''}`, ...treeLines(nodes, node.name, depth + 1)]);
}

function treeChange(plan: Plan): string[] {
  if (plan.tree === undefined) return [];
  const { domain, before, after } = plan.tree;
  return [`Snapshots of ${domain} before:`, ...treeLines(before), 'after:', ...(after.length === 0 ? ['  (none)'] : treeLines(after))];
}

export function formatPlan(plan: Plan): string {
  const sentences = (items: readonly Sentence[]) => items.map((item) => item.message);
  return lines([
    `Plan: ${plan.title.message}`,
    ...plan.steps.flatMap((step, index) => [`  ${index + 1}. ${step.says.message}`, ...stepCommands(step, printableShellLine).map((command) => ({ command: `       $ ${command}` }))]),
    ...list('Creates', plan.creates),
    ...list('Changes', plan.changes.filter((path) => !plan.creates.includes(path))),
    ...list('Made unused (moved to the trash)', plan.unused),
    ...(plan.bytes > 0 ? [`Bytes to copy or write: ${formatBytes(plan.bytes)}`] : []),
    ...list('Lost', sentences(plan.lost)),
    ...list('Warnings', sentences(plan.warnings)),
    ...treeChange(plan),
    `If cancelled: ${plan.cancel.message}`,
  ]);
}

function jobLines(job: Job): string[] {
  const running = job.progress === null ? null : job.steps[job.progress.step] === undefined ? null : job.progress.step;
  const stepsDone = job.steps.filter((step) => step.outcome === 'done').length;
  const failed = job.steps.findIndex((step) => step.outcome === 'failed');
  return [
    `${job.id}  ${job.state}  ${job.plan.title.message}  (created ${job.createdAt}, ${stepsDone}/${job.steps.length} steps done)`,
    ...(job.waitingFor === null ? [] : [`  ${job.waitingFor.message}`]),
    ...(running !== null && (job.state === 'running' || job.state === 'interrupted') ? [`  step ${running + 1}: ${job.plan.steps[running]!.says.message}`] : []),
    ...(failed < 0 ? [] : [`  step ${failed + 1} failed: ${job.steps[failed]!.error?.message ?? `exit code ${job.steps[failed]!.exitCode ?? '?'}`}`]),
    ...job.left.map((left) => `  left: ${left.message}`),
    ...job.files.map((file) => `  ${file.state}: ${file.path}${file.problem === null ? '' : ` (${file.problem.message})`}`),
    ...(job.recovery === null ? [] : [`  to finish or undo: ${job.recovery.message}`]),
  ];
}

/** `snaptree jobs`: every recorded job, as Jobs.list orders them (unfinished first). */
export function formatJobs(jobs: readonly Job[]): string {
  return jobs.length === 0 ? 'No jobs recorded.\n' : lines(jobs.flatMap(jobLines));
}

/** How a job ended, for `snaptree run`, with what a step that keeps its output printed (a check's findings). */
export function formatJobEnd(job: Job): string {
  const outputs = job.steps.flatMap((step, index) => (step.output === null ? [] : [`Step ${index + 1} printed:`, ...step.output.trimEnd().split('\n')]));
  return lines([...jobLines(job), ...outputs]);
}

/** `snaptree trash`: each file with the job that put it there. */
export function formatTrash(entries: readonly TrashEntry[]): string {
  if (entries.length === 0) return 'The trash is empty.\n';
  return lines(entries.map((entry) => `${entry.job}  ${formatBytes(entry.bytes)}  ${entry.path}  (in ${entry.trashed} since ${entry.at})`));
}
