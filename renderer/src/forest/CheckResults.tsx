import { useTranslation } from 'react-i18next';
import type { Job } from '../../../shared/jobs/model';
import { parseCheck, type CheckResult } from '../../../shared/qemu-img/check';
import { useJobs } from '../jobs/store';

interface Found {
  readonly result: CheckResult | null;
  readonly at: string;
  readonly repair: boolean;
}

/**
 * The newest check of this image that ran: a check step keeps its stdout (qemu-img's
 * JSON), and names the image it checked last in its argv (a chain check has one per layer).
 */
function newestCheck(jobs: readonly Job[], path: string): Found | null {
  for (const job of jobs) {
    if (job.plan.intent.kind !== 'check') continue;
    for (const [index, step] of job.plan.steps.entries()) {
      const record = job.steps[index];
      if (step.op !== 'run' || !step.keepOutput || step.argv.at(-1) !== path || !record?.endedAt || record.output === null) continue;
      let result: CheckResult | null;
      try {
        result = parseCheck(record.output);
      } catch {
        result = null;
      }
      return { result, at: record.endedAt, repair: step.argv.includes('-r') };
    }
  }
  return null;
}

/** What the last check of the image found, with the date: shown in the image's inspector. */
export function CheckResults({ path }: { path: string }) {
  const { t } = useTranslation('plans');
  const jobs = useJobs((state) => state.jobs);
  // The core lists jobs newest first (after the unfinished ones, which have no check output yet).
  const found = newestCheck(jobs ?? [], path);
  if (found === null) return null;
  const { result } = found;
  const clean = result !== null && result.corruptions === 0 && result.leaks === 0 && result.checkErrors === 0;
  return (
    <div className={`check-result ${clean ? 'clean' : 'findings'}`} data-testid="check-result">
      <b>{t('check.heading', { date: new Date(found.at) })}</b>{' '}
      {result === null
        ? t('check.unreadable')
        : clean
          ? t(found.repair && result.leaksFixed + result.corruptionsFixed > 0 ? 'check.repaired' : 'check.clean', {
              leaks: result.leaksFixed,
              corruptions: result.corruptionsFixed,
            })
          : t('check.findings', { corruptions: result.corruptions, leaks: result.leaks, errors: result.checkErrors })}
    </div>
  );
}
