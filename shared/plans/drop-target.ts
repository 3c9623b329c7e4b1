/**
 * What an image of the dragged image's chains says while the drag is on: whether a drop
 * there merges (a commit into it, or a pull into it), and if not, why, in the planner's words.
 */
import { z } from 'zod';
import { Sentence } from '../messages/sentence.js';
import { Intent } from './intent.js';

export const DropTarget = z.object({
  path: z.string(),
  gesture: z.enum(['commit', 'pull']),
  allowed: z.boolean(),
  reason: Sentence.optional(),
  /** What a drop there plans: the window opens its plan as it is, never making one of its own. */
  intent: Intent,
});
export type DropTarget = z.infer<typeof DropTarget>;
