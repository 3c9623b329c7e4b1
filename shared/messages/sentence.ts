import { z } from 'zod';

/**
 * A sentence the core said through the catalogues (say()), as it travels: the window shows
 * `key` with `values` in the user's language, the CLI and the JSON `message`.
 */
export const Sentence = z.object({ key: z.string(), values: z.record(z.string(), z.union([z.string(), z.number()])), message: z.string() });
export type Sentence = z.infer<typeof Sentence>;
