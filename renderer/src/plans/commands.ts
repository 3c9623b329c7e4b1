import type { Step } from '../../../shared/plans/plan';
import { shellLine } from '../../../shared/shell-words';

/**
 * The commands a step runs, as a shell would need them typed: a tool's argv; a define's
 * dumpxml and define, a restore's save-image-dumpxml and restore (the edit between them is
 * the step's sentence); none for a move into
 * the trash or a purge, which the core does itself (the sentence names the files).
 */
export function stepCommands(step: Step): string[] {
  if (step.op === 'run') return [shellLine(step.argv)];
  if (step.op === 'define' || step.op === 'restore' || step.op === 'mark-folded') return step.shows.map(shellLine);
  return [];
}
