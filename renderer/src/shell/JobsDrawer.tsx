import { useEffect } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Term } from '../i18n/Term';
import { JobRow } from '../jobs/JobRow';
import { useJobs } from '../jobs/store';
import { TrashList } from '../jobs/TrashList';

/** The bottom drawer: every recorded job (they live in the core, so a reload keeps them), and the trash. */
export function JobsDrawer() {
  const { t } = useTranslation('shell');
  const { jobs, trash, tab, error, load, loadTrash, showTab } = useJobs();
  useEffect(() => {
    void load();
    void loadTrash();
  }, [load, loadTrash]);
  return (
    <footer className="jobs-drawer" aria-label={t('jobs.label')}>
      <div className="drawer-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'jobs'} onClick={() => showTab('jobs')}>
          {t('jobs.title')}
          {jobs && jobs.length > 0 ? ` (${jobs.length})` : ''}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'trash'} onClick={() => showTab('trash')}>
          {t('jobs.trash')}
          {trash && trash.length > 0 ? ` (${trash.length})` : ''}
        </button>
      </div>
      {error !== null && <p className="form-error">{error}</p>}
      <div role="tabpanel" aria-label={tab === 'trash' ? t('jobs.trash') : t('jobs.title')}>
        {tab === 'trash' ? (
          <TrashList />
        ) : jobs === null || jobs.length === 0 ? (
          <p className="empty">
            <Trans t={t} i18nKey="jobs.empty" components={{ blockcommit: <Term name="blockcommit" />, pull: <Term name="pull" /> }} />
          </p>
        ) : (
          <ul className="job-list">
            {jobs.map((job) => (
              <JobRow key={job.id} job={job} />
            ))}
          </ul>
        )}
      </div>
    </footer>
  );
}
