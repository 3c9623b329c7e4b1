/**
 * The problems' sentences in English, keyed by what the core sends (`{ code, key, values }`).
 * The core fills them in for the CLI and the JSON (`message`); the window translates the
 * same key with the same values. i18next's `{{name}}` placeholders.
 */
export const problems = {} as const;
