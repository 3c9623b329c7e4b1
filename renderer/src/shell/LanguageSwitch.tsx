import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { LANGUAGES, type Language } from '../i18n/catalogues';
import { setLanguage } from '../i18n/index';
import { useSettings } from '../settings/store';

/** Each language by its own name: whoever cannot read the window's present language still finds theirs. */
const NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '中文' };

/**
 * English / 中文: switches at once, no reload, and is kept in the core's settings (serve
 * gets a new port, and so a new origin and new browser storage, each run). The stored
 * choice is taken as the window opens, unless the user picked one first.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation('shell');
  const picked = useRef(false);
  useEffect(() => {
    api.call('languageGet', {}).then(
      ({ language }) => {
        if (language !== null && !picked.current) void setLanguage(language);
      },
      // No answer: the system's language, as before any choice.
      () => undefined,
    );
  }, []);

  const choose = (language: Language): void => {
    picked.current = true;
    void setLanguage(language);
    // The window switches all the same; a settings file that cannot be written over is
    // named by the settings notice, asked again once the save is done or refused.
    api
      .call('languageSet', { language })
      .catch(() => undefined)
      .finally(() => void useSettings.getState().load());
  };
  return (
    <div className="language-switch" role="group" aria-label={t('sidebar.language')}>
      {LANGUAGES.map((language, index) => (
        <span key={language}>
          {index > 0 && <span aria-hidden> / </span>}
          <button type="button" lang={language} aria-pressed={i18n.language === language} onClick={() => choose(language)}>
            {NAMES[language]}
          </button>
        </span>
      ))}
    </div>
  );
}
