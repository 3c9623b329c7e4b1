/**
 * What every sentence the core says through the catalogues must hold, as
 * images/problem-keys.test.ts checks it for the scanner's: its English template, filled
 * with its values, is its `message`, word for word as the window's i18next says it in
 * English; the Chinese has the key and leaves no placeholder or nesting unfilled.
 */
import i18next from 'i18next';
import { expect } from 'vitest';
import { CATALOGUES } from '../../renderer/src/i18n/catalogues.js';
import { problems as english, say, type Said } from '../../shared/messages/problems.js';
import { templateAt } from '../../shared/messages/say.js';

/** The window's catalogues, with the window's interpolation (renderer/src/i18n/index.ts: React escapes, i18next does not). */
const i18n = i18next.createInstance();
void i18n.init({ resources: CATALOGUES, fallbackLng: 'en', ns: Object.keys(CATALOGUES.en), interpolation: { escapeValue: false }, initAsync: false });

export function expectSaidInBoth(said: readonly Said[]): void {
  const inEnglish = i18n.getFixedT('en', 'problems');
  const inChinese = i18n.getFixedT('zh-CN', 'problems');
  for (const { key, values, message } of said) {
    expect(templateAt(english, key), `no template at ${key}`).not.toBe(key);
    expect(say(key, values).message, key).toBe(message);
    expect(inEnglish(key, values), key).toBe(message);
    expect(i18n.exists(key, { lng: 'zh-CN', ns: 'problems', fallbackLng: [] }), key).toBe(true);
    const chinese = inChinese(key, values);
    expect(chinese, key).not.toMatch(/\{\{|\$t\(/);
    expect(chinese, key).toMatch(/[\u4e00-\u9fff]/);
  }
}
