import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { IntentInput } from '../../../shared/plans/intent';
import { usePlans } from './store';

/** A gesture's few fields, and the button that shows its plan (nothing runs before the plan dialog's Run). */
export function GestureForm({ intent, children, onClose }: { intent: IntentInput | null; children: ReactNode; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const openPlan = usePlans((state) => state.open);
  const started = usePlans((state) => state.started);
  const submitted = useRef<IntentInput | null>(null);
  // Its plan ran: the form has done its part. (Closed unrun, the form stays, to be changed.)
  useEffect(() => {
    if (started !== null && started === submitted.current) onClose();
  }, [started, onClose]);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    submitted.current = intent;
    if (intent) void openPlan(intent);
  };
  return (
    <form className="gesture-form" onSubmit={submit}>
      {children}
      <div className="gesture-buttons">
        <button type="button" onClick={onClose}>
          {t('gesture.close')}
        </button>
        <button type="submit" className="primary" disabled={intent === null}>
          {t('gesture.showPlan')}
        </button>
      </div>
    </form>
  );
}

