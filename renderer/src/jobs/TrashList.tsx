import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../../shared/format';
import { displayPath } from '../../../shared/images/path-bytes';
import type { TrashEntry } from '../../../shared/jobs/model';
import { titleOf } from '../i18n/sentence';
import { usePlans } from '../plans/store';
import { useJobs } from './store';

/** Trashed files by the job that put them there, each job's restorable at once. */
export function TrashList() {
  const { t } = useTranslation('jobs');
  const { trash, jobs, restore } = useJobs();
  const openPlan = usePlans((state) => state.open);
  if (trash === null) return null;
  const byJob = new Map<string, TrashEntry[]>();
  for (const entry of trash) byJob.set(entry.job, [...(byJob.get(entry.job) ?? []), entry]);
  return (
    <div className="trash">
      {trash.length === 0 ? (
        <p className="empty">{t('trash.empty')}</p>
      ) : (
        <>
          <div className="trash-actions">
            <span>{t('trash.total', { size: formatBytes(trash.reduce((sum, entry) => sum + entry.bytes, 0)) })}</span>
            <button type="button" onClick={() => void openPlan({ kind: 'trash-empty' })}>
              {t('trash.emptyTrash')}
            </button>
          </div>
          <ul className="trash-list">
            {[...byJob].map(([job, entries]) => {
              const record = jobs?.find((candidate) => candidate.id === job);
              return (
                <li key={job} data-trash-job={job}>
                  <div className="job-head">
                    <span className="job-title">{record ? t('trash.by', { title: titleOf(t, record.plan.title) }) : t('trash.byUnknown', { job })}</span>
                    <button type="button" onClick={() => void restore(job)}>
                      {t('trash.restore')}
                    </button>
                  </div>
                  <ul>
                    {entries.map((entry) => (
                      <li key={entry.trashed} data-testid="trash-entry">
                        <code>{displayPath(entry.path)}</code> {formatBytes(entry.bytes)}
                      </li>
                    ))}
                  </ul>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
