import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../../shared/format';
import { displayPath } from '../../../shared/images/path-bytes';
import type { Job } from '../../../shared/jobs/model';
import { sentenceOf, titleOf } from '../i18n/sentence';
import { stepCommands } from '../../../shared/plans/commands';
import { useJobs } from './store';

const UNFINISHED = new Set<Job['state']>(['waiting', 'running']);

/** The step a job is at: the running one, else the one it stopped on, else its last. */
function currentStep(job: Job): number {
  const running = job.steps.findIndex((step) => step.outcome === 'running');
  if (running >= 0) return running;
  if (job.progress) return job.progress.step;
  const stopped = job.steps.findIndex((step) => step.outcome === 'failed' || step.outcome === 'cancelled');
  return stopped >= 0 ? stopped : job.steps.length - 1;
}

/** `1 min 05 s`-style time left, in the window's language. */
function TimeLeft({ seconds }: { seconds: number }) {
  const { t } = useTranslation('jobs');
  const whole = Math.max(0, Math.round(seconds));
  return <>{whole >= 60 ? t('row.minutesLeft', { minutes: Math.floor(whole / 60), seconds: String(whole % 60).padStart(2, '0') }) : t('row.secondsLeft', { seconds: whole })}</>;
}

function Progress({ job }: { job: Job }) {
  const { t, i18n } = useTranslation('jobs');
  const progress = job.progress;
  const fraction = progress?.fraction ?? (job.state === 'done' ? 1 : null);
  // The journal keeps where a job was, not how far: an interrupted job shows no bar rather than a false 0%.
  if (job.state === 'interrupted' && !fraction) return null;
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <div className="job-progress">
      <div
        className={`bar ${fraction === null ? 'indeterminate' : ''}`}
        role="progressbar"
        aria-label={t('row.progress')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        <div style={{ width: `${(fraction ?? 0) * 100}%` }} />
      </div>
      {fraction !== null && <span className="percent">{percent.format(fraction)}</span>}
      {job.state === 'running' && progress?.bytesPerSecond != null && <span>{t('row.speed', { speed: formatBytes(Math.round(progress.bytesPerSecond)) })}</span>}
      {job.state === 'running' && progress?.secondsLeft != null && (
        <span>
          <TimeLeft seconds={progress.secondsLeft} />
        </span>
      )}
    </div>
  );
}

/** How the job ended, or why it is not running yet, for a person. */
function Outcome({ job }: { job: Job }) {
  const { t } = useTranslation('jobs');
  const errors = job.steps.flatMap((step) => (step.error ? [step.error] : []));
  return (
    <>
      {job.waitingFor && <p className="job-note">{sentenceOf(t, job.waitingFor)}</p>}
      {errors.map((error) => (
        <p key={error.message} className="job-note bad">
          {sentenceOf(t, error)}
        </p>
      ))}
      {job.left.length > 0 && (
        <div className="job-note">
          {/* A job that never started left nothing: its sentences say why it did not run. */}
          {t(job.steps.every((step) => step.startedAt === null) ? 'row.notStarted' : 'row.left')}
          <ul>
            {job.left.map((left) => (
              <li key={left.message}>{sentenceOf(t, left)}</li>
            ))}
          </ul>
        </div>
      )}
      {job.files.length > 0 && (
        <div className="job-note">
          {t('row.files')}
          <ul data-testid="job-files">
            {job.files.map((file) => (
              <li key={file.path}>
                <code>{displayPath(file.path)}</code>{' '}
                {file.problem ? t('row.fileProblem', { state: t(`fileState.${file.state}`), problem: sentenceOf(t, file.problem) }) : t(`fileState.${file.state}`)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {job.recovery && <p className="job-note">{sentenceOf(t, job.recovery)}</p>}
    </>
  );
}

/** One job: what it is, how far, the command running now; its steps and output when opened. */
export function JobRow({ job }: { job: Job }) {
  const { t } = useTranslation('jobs');
  const cancel = useJobs((state) => state.cancel);
  const index = currentStep(job);
  const step = job.plan.steps[index];
  const record = job.steps[index];
  const commands = step ? stepCommands(step) : [];
  return (
    <li className={`job-row state-${job.state}`} data-job={job.id} data-state={job.state}>
      <div className="job-head">
        <span className="job-title">{titleOf(t, job.plan.title)}</span>
        <span className={`job-state state-${job.state}`} data-testid="job-state">
          {t(`state.${job.state}`)}
        </span>
        <span className="job-time">{t('row.at', { date: new Date(job.endedAt ?? job.startedAt ?? job.createdAt) })}</span>
        <Progress job={job} />
        {UNFINISHED.has(job.state) && (
          <button type="button" onClick={() => void cancel(job.id)}>
            {t('row.cancel')}
          </button>
        )}
      </div>
      {step && (job.state === 'running' || job.state === 'interrupted') && (
        <div className="job-step">
          {t(job.state === 'running' ? 'row.step' : 'row.interruptedAt', { number: index + 1, total: job.plan.steps.length })} {commands.length > 0 ? <code>{commands.join(' && ')}</code> : sentenceOf(t, step.says)}
        </div>
      )}
      <Outcome job={job} />
      <details>
        <summary>{t('row.details')}</summary>
        <ol className="job-steps">
          {job.plan.steps.map((planned, n) => (
            <li key={n} data-outcome={job.steps[n]?.outcome}>
              <span className={`step-outcome outcome-${job.steps[n]?.outcome ?? 'pending'}`}>{t(`outcome.${job.steps[n]?.outcome ?? 'pending'}`)}</span>{' '}
              {sentenceOf(t, planned.says)}
              {job.steps[n]?.exitCode != null && <span className="exit-code"> {t('row.exitCode', { code: job.steps[n]!.exitCode })}</span>}
              {stepCommands(planned).map((line) => (
                <div key={line}>
                  <code>{line}</code>
                </div>
              ))}
            </li>
          ))}
        </ol>
        {record && record.outputTail.length > 0 && (
          <pre className="job-output" aria-label={t('row.output')}>
            {record.outputTail.join('\n')}
          </pre>
        )}
      </details>
    </li>
  );
}
