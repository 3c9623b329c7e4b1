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
      expect(entries(chinese).filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
      // Placeholders, nested keys, commands and names aside, a translated sentence holds no
      // English word. Every such sentence at once, to be fixed in one go.
      const stray = entries(chinese).flatMap(([key, text]) => strayEnglish(text.replace(/\{\{[^}]+\}\}|\$t\([^)]*\)|`[^`]*`|<[^>]*>/g, ' ')).map((word) => `${key}: ${word}`));
      expect(stray).toEqual([]);
    });
  }
});
