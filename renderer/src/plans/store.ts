import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import type { Job } from '../../../shared/jobs/model';
import type { IntentInput } from '../../../shared/plans/intent';
import type { Plan } from '../../../shared/plans/plan';
import { api } from '../api/client';
import { useJobs } from '../jobs/store';

interface PlanState {
  /** What the user asked for; the dialog is open while it is set. */
  readonly intent: IntentInput | null;
  readonly plan: Plan | null;
  /** The core planned again at Run and got another plan: it is shown instead, and nothing ran. */
  readonly replanned: boolean;
  readonly busy: boolean;
  readonly error: string | null;
  /** The intent of the last plan that started a job: the gesture that asked for it is done. */
  readonly started: IntentInput | null;
  /** Plans an intent on the core's current view and opens the dialog on it. */
  open(intent: IntentInput): Promise<void>;
  /** Starts the plan shown; the dialog closes once the job is recorded. */
  run(): Promise<Job | null>;
  close(): void;
}

export const usePlans = create<PlanState>((set, get) => ({
  intent: null,
  plan: null,
  replanned: false,
  busy: false,
  error: null,
  started: null,
  async open(intent) {
    set({ intent, plan: null, replanned: false, busy: true, error: null });
    try {
      const plan = await api.call('planMake', { intent });
      if (get().intent === intent) set({ plan, busy: false });
    } catch (error) {
      if (get().intent === intent) set({ busy: false, error: errorMessage(error) });
    }
  },
  async run() {
    const { intent, plan } = get();
    if (intent === null || plan === null) return null;
    set({ busy: true, error: null });
    try {
      // The plan's own intent: the one the core normalised and planned, exactly as shown.
      const reply = await api.call('jobStart', { intent: plan.intent, plan: plan.id });
      if (!reply.started) {
        set({ plan: reply.plan, replanned: true, busy: false });
        return null;
      }
      set({ intent: null, plan: null, replanned: false, busy: false, started: intent });
      void useJobs.getState().load();
      useJobs.getState().showTab('jobs');
      return reply.job;
    } catch (error) {
      set({ busy: false, error: errorMessage(error) });
      return null;
    }
  },
  close: () => set({ intent: null, plan: null, replanned: false, busy: false, error: null }),
}));
