/**
 * The problems' sentences in English, keyed by what the core sends (`{ code, key, values }`).
 * The core fills them in for the CLI and the JSON (`message`); the window translates the
 * same key with the same values. i18next's `{{name}}` placeholders.
 */
import { defineProblems } from './define-problems.js';
import { imageProblems } from './image-problems.js';
import { jobProblems } from './job-problems.js';
import { libvirtProblems } from './libvirt-problems.js';
import { planProblems } from './plan-problems.js';
import { requestProblems } from './request-problems.js';
import { settingsProblems } from './settings-problems.js';
import { toolsProblems } from './tools-problems.js';
import { fillIn, templateAt, type Values } from './say.js';

export const problems = { image: imageProblems, libvirt: libvirtProblems, settings: settingsProblems, tools: toolsProblems, request: requestProblems, plans: planProblems, jobs: jobProblems, define: defineProblems } as const;

/** What a problem carries for a person: the key and values, and the English sentence. */
export interface Said {
  readonly key: string;
  readonly values: Values;
  readonly message: string;
}

/**
 * `$t(problems:image.fileKind.{{kind}})` in a template: a word of the catalogue that a
 * value chooses, nested as i18next nests it. Only templates nest, never the values
 * (a file may be named `$t(…)`), as i18next's skipOnVariables has it.
 */
const NESTED = /\$t\(problems:([^)]+)\)/g;

/** The template at a key with its nestings resolved, as deep as they go (a nested sentence may nest a word). */
function nested(key: string, values: Values): string {
  return templateAt(problems, key).replace(NESTED, (_, inner: string) => nested(fillIn(inner, values), values));
}

/** `say('image.missingBacking.gone', { name, path })`: the key, its values, and the English. */
export function say(key: string, values: Values = {}): Said {
  return { key, values, message: fillIn(nested(key, values), values) };
}
