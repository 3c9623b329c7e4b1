/**
 * A sentence for a person, sent as a key and its values: the window says it in the
 * user's language from its catalogue, the CLI and the JSON in English from the English
 * catalogue (`message`). Values are the facts (names, paths, numbers, QEMU's own words);
 * the sentence around them is the catalogue's.
 */
export type Values = Readonly<Record<string, string | number>>;

/** i18next's `{{name}}` interpolation, for the English the core writes into `message`. */
export function fillIn(template: string, values: Values): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The English template at a dotted key of a catalogue, or the key itself when none is there. */
export function templateAt(catalogue: object, key: string): string {
  let at: unknown = catalogue;
  for (const part of key.split('.')) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[part] : undefined;
  return typeof at === 'string' ? at : key;
}
