/**
 * The problems' sentences in English, keyed by what the core sends (`{ code, key, values }`).
 * The core fills them in for the CLI and the JSON (`message`); the window translates the
 * same key with the same values. i18next's `{{name}}` placeholders.
 */
import { imageProblems } from './image-problems.js';
import { libvirtProblems } from './libvirt-problems.js';
import { fillIn, templateAt, type Values } from './say.js';

export const problems = { image: imageProblems, libvirt: libvirtProblems } as const;

/** What a problem carries for a person: the key and values, and the English sentence. */
export interface Said {
  readonly key: string;
  readonly values: Values;
  readonly message: string;
}

/** `say('image.missingBacking', { name, path })`: the key, its values, and the English. */
export function say(key: string, values: Values = {}): Said {
  return { key, values, message: fillIn(templateAt(problems, key), values) };
}
