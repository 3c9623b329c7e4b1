/**
 * The commands a step runs, as a shell would need them typed (copyable): a tool's argv; a
 * define's dumpxml and define, a restore's save-image-dumpxml and restore, a mark's
 * snapshot-dumpxml and redefine (the edit between them is the step's sentence); none for a
 * move into the trash or a purge, which the core does itself (the sentence names the files).
 * One list for the window and the CLI: a new step kind is a compile error until it is here.
 */
import { shellLine } from '../shell-words.js';
import type { Step } from './plan.js';

/** `quote`: how an argument array is written (the CLI's text prints one a terminal shows as it is). */
export function stepCommands(step: Step, quote: (argv: readonly string[]) => string = shellLine): string[] {
  switch (step.op) {
    case 'run':
      return [quote(step.argv)];
    case 'define':
    case 'restore':
    case 'mark-folded':
      return step.shows.map(quote);
    case 'trash':
    case 'purge':
      return [];
  }
}
