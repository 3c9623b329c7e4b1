import type { TFunction } from 'i18next';
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
