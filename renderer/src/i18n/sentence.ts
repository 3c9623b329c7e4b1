import type { TFunction } from 'i18next';
import type { Sentence } from '../../../shared/messages/sentence';

/**
 * What the core said, in the window's language: its sentence from the `problems`
 * catalogue when it sent one, else its words as they came (libvirt's, a tool's).
 */
export function said(t: TFunction, english: string, sentence: Sentence | undefined): string {
  return sentence ? t(`problems:${sentence.key}`, { ...sentence.values, defaultValue: english }) : english;
}
