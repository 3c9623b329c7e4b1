import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sentenceOf } from '../i18n/sentence';
import { useSettings } from './store';

/** A banner across the window while the settings file held something Snaptree could not take. */
export function SettingsNotice() {
  const { t } = useTranslation('shell');
  const { problems, load } = useSettings();
  // Hidden until the problems change: a new one shows the banner again.
  const [hidden, setHidden] = useState<string | null>(null);
  useEffect(() => {
    void load();
  }, [load]);

  const shown = problems.map((problem) => problem.message).join('\n');
  if (problems.length === 0 || hidden === shown) return null;
  return (
    <section className="settings-notice" role="alert" aria-label={t('settings.label')}>
      <div className="settings-notice-text">
        <b>{t('settings.title')}</b>
        <ul>
          {problems.map((problem) => (
            <li key={problem.message}>{sentenceOf(t, problem)}</li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={() => setHidden(shown)}>
        {t('settings.hide')}
      </button>
    </section>
  );
}
