import { describe, expect, it } from 'vitest';
import { CATALOGUES } from './catalogues';
import { strayEnglish } from './kept';

/** Every key of a catalogue, as `a.b.c`, with its string. */
function entries(catalogue: object, prefix = ''): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : entries(value as object, `${prefix}${key}.`),
  );
}

describe('the catalogues', () => {
  for (const [namespace, english] of Object.entries(CATALOGUES.en)) {
    it(`${namespace}: every key is in both languages, and no Chinese sentence is left in English`, () => {
      const chinese = CATALOGUES['zh-CN'][namespace as keyof (typeof CATALOGUES)['en']];
      const englishKeys = entries(english).map(([key]) => key);
      expect(entries(chinese).map(([key]) => key).sort()).toEqual(englishKeys.sort());
      for (const [key, text] of entries(chinese)) {
        expect(text.trim(), key).not.toBe('');
        // Placeholders, nested keys, commands and names aside, a translated sentence holds no English word.
        expect(strayEnglish(text.replace(/\{\{[^}]+\}\}|\$t\([^)]*\)|`[^`]*`|<[^>]*>/g, ' ')), `${key}: ${text}`).toEqual([]);
      }
    });
  }
});
