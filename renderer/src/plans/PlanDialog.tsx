import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../../shared/format';
import { displayPath } from '../../../shared/images/path-bytes';
import type { Offer, Plan } from '../../../shared/plans/plan';
import { sentenceOf, titleOf } from '../i18n/sentence';
import { stepCommands } from '../../../shared/plans/commands';
import { useEscape } from './escape';
import { PlanTree } from './PlanTree';
import { usePlans } from './store';

/** A command the user can read, select, and copy in one click. */
function Command({ line }: { line: string }) {
  const { t } = useTranslation('plans');
  const [copied, setCopied] = useState(false);
  const id = useId();
  const copy = async (): Promise<void> => {
    try {
      // Absent or refused on a page served over plain HTTP to another host (`serve --allow-remote`).
      await navigator.clipboard.writeText(line);
      setCopied(true);
    } catch {
      // The command is selected instead, for ctrl+C.
      const code = document.getElementById(id);
      if (code) window.getSelection()?.selectAllChildren(code);
    }
  };
  return (
    <div className="command">
      <code id={id} data-testid="command">
        {line}
      </code>
      {/* The command itself describes the button: a label would say it again, as words. */}
      <button type="button" className="copy" onClick={() => void copy()} aria-describedby={id}>
        {copied ? t('dialog.copied') : t('dialog.copy')}
      </button>
    </div>
  );
}

function Files({ heading, paths, testId }: { heading: string; paths: readonly string[]; testId: string }) {
  if (paths.length === 0) return null;
  return (
    <>
      <h4>{heading}</h4>
      <ul className="plan-files" data-testid={testId}>
        {paths.map((path) => (
          <li key={path}>
            <code>{displayPath(path)}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

/** An offer's one click: the plan of the other way, shown in place of this one. */
function OfferButton({ offer }: { offer: Offer }) {
  const { t } = useTranslation('plans');
  const openPlan = usePlans((state) => state.open);
  if (!offer.intent) return null;
  const intent = offer.intent;
  return (
    <button type="button" className="inline-action" onClick={() => void openPlan(intent)}>
      {t('dialog.offer')}
    </button>
  );
}

function PlanBody({ plan }: { plan: Plan }) {
  const { t } = useTranslation('plans');
  const changed = plan.changes.filter((path) => !plan.creates.includes(path));
  return (
    <>
      {plan.blockers.length > 0 && (
        <section className="plan-blockers" aria-label={t('dialog.blockers')}>
          <h4>{t('dialog.blockers')}</h4>
          <ul>
            {plan.blockers.map((blocker) => (
              <li key={blocker.code + blocker.message} data-blocker={blocker.code}>
                {sentenceOf(t, blocker)}
                {blocker.alternatives.length > 0 && (
                  <>
                    <div className="instead">{t('dialog.instead')}</div>
                    <ul className="alternatives">
                      {blocker.alternatives.map((alternative) => (
                        <li key={alternative.message}>
                          {sentenceOf(t, alternative)}
                          <OfferButton offer={alternative} />
                          {alternative.commands?.map((line) => (
                            <Command key={line} line={line} />
                          ))}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {plan.warnings.length > 0 && (
        <section className="plan-warnings" aria-label={t('dialog.warnings')}>
          <h4>{t('dialog.warnings')}</h4>
          <ul>
            {plan.warnings.map((warning) => (
              <li key={warning.message}>
                {sentenceOf(t, warning)}
                <OfferButton offer={warning} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <h4>{t('dialog.steps', { count: plan.steps.length })}</h4>
      <ol className="plan-steps">
        {plan.steps.map((step, index) => (
          <li key={index}>
            <div>{sentenceOf(t, step.says)}</div>
            {stepCommands(step).map((line) => (
              <Command key={line} line={line} />
            ))}
          </li>
        ))}
      </ol>
      {plan.tree && <PlanTree tree={plan.tree} />}
      <Files heading={t('dialog.creates')} paths={plan.creates} testId="plan-creates" />
      <Files heading={t('dialog.changes')} paths={changed} testId="plan-changes" />
      <Files heading={t('dialog.unused')} paths={plan.unused} testId="plan-unused" />
      <dl className="facts">
        <div className="fact">
          <dt>{plan.intent.kind === 'trash-empty' ? t('dialog.freed') : t('dialog.bytes')}</dt>
          <dd>{plan.bytes === 0 ? t('dialog.noBytes') : formatBytes(plan.bytes)}</dd>
        </div>
      </dl>
      {plan.lost.length > 0 && (
        <>
          <h4>{t('dialog.lost')}</h4>
          <ul className="plan-lost">
            {plan.lost.map((lost) => (
              <li key={lost.message}>{sentenceOf(t, lost)}</li>
            ))}
          </ul>
        </>
      )}
      <h4>{t('dialog.cancel')}</h4>
      <p className="plan-cancel">{sentenceOf(t, plan.cancel)}</p>
    </>
  );
}

/** Shown before every change: what it will do, exactly; Run stays disabled while anything blocks it. */
export function PlanDialog() {
  const { t } = useTranslation('plans');
  const { intent, plan, replanned, busy, error, run, close } = usePlans();
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const open = intent !== null;
  // Keyboard and screen-reader users land in the dialog when it opens.
  useEffect(() => {
    if (open) dialog.current?.focus();
  }, [open]);
  // A plan replaced at Run (the disks changed) is read from its top: the user had scrolled
  // down to Run, and the notice that this is another plan sits under the title.
  useEffect(() => {
    if (replanned) dialog.current?.scrollIntoView({ block: 'start' });
  }, [replanned, plan]);
  useEscape(open, close);
  if (intent === null) return null;
  const blocked = plan !== null && plan.blockers.length > 0;
  return (
    <div className="modal-backdrop">
      <div ref={dialog} tabIndex={-1} className="modal plan-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <h2 id={titleId}>{plan ? titleOf(t, plan.title) : t('dialog.planning')}</h2>
        {replanned && (
          <p className="notice" role="status">
            {t('dialog.replanned')}
          </p>
        )}
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {plan && <PlanBody plan={plan} />}
        <div className="modal-actions">
          {blocked && <span className="blocked-note">{t('dialog.blockedNote')}</span>}
          <button type="button" onClick={close}>
            {t('dialog.close')}
          </button>
          <button type="button" className="primary" disabled={plan === null || blocked || busy} onClick={() => void run()}>
            {t('dialog.run')}
          </button>
        </div>
      </div>
    </div>
  );
}
