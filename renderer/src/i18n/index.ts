/**
 * The window's languages: i18next with react-i18next (the common pair for React and
 * Electron; it does plurals, interpolation and Intl formatting, and switches language
 * without a reload). The language follows the system (Electron's locale, which Chromium
 * gives the page as navigator.language; the browser's in web mode) until the user picks one.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { CATALOGUES, LANGUAGES, type Language } from './catalogues';

const CHOSEN = 'snaptree.language';

/** The catalogue for a BCP 47 tag: any Chinese is Simplified Chinese here, anything else English. */
export function languageFor(tag: string | null | undefined): Language {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function chosen(): Language | null {
  const stored = globalThis.localStorage?.getItem(CHOSEN);
  return LANGUAGES.find((language) => language === stored) ?? null;
}

/**
 * The Chinese catalogue marks commands and names with backticks, so that its test can tell
 * them from English left untranslated; the window shows them without the marks. Only the
 * templates lose them: a value (a file name, QEMU's words) is shown exactly as it is.
 */
function unmarked<T>(catalogue: T): T {
  if (typeof catalogue === 'string') return catalogue.replace(/`/g, '') as T;
  if (typeof catalogue !== 'object' || catalogue === null) return catalogue;
  return Object.fromEntries(Object.entries(catalogue).map(([key, value]) => [key, unmarked(value)])) as T;
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { ...CATALOGUES, 'zh-CN': unmarked(CATALOGUES['zh-CN']) },
  lng: chosen() ?? languageFor(globalThis.navigator?.language),
  fallbackLng: 'en',
  defaultNS: 'shell',
  ns: Object.keys(CATALOGUES.en),
  // React escapes what it renders; i18next must not do it a second time.
  interpolation: { escapeValue: false },
  initAsync: false,
});

// The page says which language it is in: screen readers, fonts and hyphenation follow it.
const markPage = (language: string): void => {
  if (globalThis.document) document.documentElement.lang = language;
};
markPage(i18n.language);
i18n.on('languageChanged', markPage);

/**
 * Switches the window at once. This origin's storage keeps the choice for the next start
 * (the window's is always the same); the core's settings keep it for every front end
 * (see LanguageSwitch: serve's origin changes each run).
 */
export async function setLanguage(language: Language): Promise<void> {
  globalThis.localStorage?.setItem(CHOSEN, language);
  await i18n.changeLanguage(language);
}
