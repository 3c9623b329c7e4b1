import type { TFunction } from 'i18next';
import { baseName } from '../../../shared/format';
import { displayPath } from '../../../shared/images/path-bytes';
import type { Values } from '../../../shared/messages/say';

/** Anything the core said for a person: its key and values when it sent them, and its English. */
export interface Told {
  readonly key?: string;
  readonly values?: Values;
  readonly message: string;
}

/**
 * What the core said, in the window's language: its sentence from the `problems`
 * catalogue when it sent a key (a problem, a watched folder's error, a skipped entry, a
 * refusal), else, or when this window's catalogue lacks the key, its words as they came
 * (the core's English, libvirt's, a tool's). Paths among them are shown with their
 * undecodable bytes escaped.
 */
export function sentenceOf(t: TFunction, told: Told): string {
  if (!told.key) return displayPath(told.message);
  const values = Object.fromEntries(Object.entries(told.values ?? {}).map(([name, value]) => [name, typeof value === 'string' ? displayPath(value) : value]));
  return t(`problems:${told.key}`, { ...values, defaultValue: displayPath(told.message) });
}

/**
 * A title in one line: its paths by their file names (`/vm/a b.qcow2` → `a b.qcow2`). For
 * plans' and jobs' titles, whose full paths are a click away, in their steps and files.
 */
export function titleOf(t: TFunction, told: Told): string {
  const values = Object.fromEntries(
    Object.entries(told.values ?? {}).map(([name, value]) => [name, typeof value === 'string' && value.startsWith('/') ? baseName(value) : value]),
  );
  return sentenceOf(t, { ...told, values });
}
