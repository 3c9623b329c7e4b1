import { Trans, useTranslation } from 'react-i18next';
import { Term } from '../i18n/Term';

export function JobsDrawer() {
  const { t } = useTranslation('shell');
  return (
    <footer className="jobs-drawer" aria-label={t('jobs.label')}>
      <h3>{t('jobs.title')}</h3>
      <p className="empty">
        <Trans t={t} i18nKey="jobs.empty" components={{ blockcommit: <Term name="blockcommit" />, pull: <Term name="pull" /> }} />
      </p>
    </footer>
  );
}
