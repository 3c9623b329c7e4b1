/**
 * How far a whole job is: each step's share of the job, the running step's own fraction
 * (from its tool's output), and bytes/s and time left from the rate the fraction moves at.
 */
import type { JobProgress } from '../../../shared/jobs/model.js';
import type { Plan, Step } from '../../../shared/plans/plan.js';

/**
 * The plan's bytes are copied by the steps that report progress (convert, commit, pull,
 * a memory snapshot); the others are short (a define, a rename) and get a small share,
 * so that the bar still moves past them.
 */
const SHORT_STEP = 0.02;
const weightOf = (step: Step): number => (step.op === 'run' && step.progress !== 'none' ? 1 : SHORT_STEP);

export class JobMeter {
  private readonly weights: number[];
  private readonly total: number;
  private startedAt: number | null = null;

  constructor(
    private readonly plan: Plan,
    private readonly now: () => number = Date.now,
  ) {
    this.weights = plan.steps.map(weightOf);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0) || 1;
  }

  /** `stepFraction`: the running step's own 0..1, or null when its tool says nothing of it (counted as 0 until it ends). */
  at(step: number, stepFraction: number | null): JobProgress {
    const now = this.now();
    this.startedAt ??= now;
    const done = this.weights.slice(0, step).reduce((sum, weight) => sum + weight, 0);
    const fraction = Math.min(1, (done + (this.weights[step] ?? 0) * (stepFraction ?? 0)) / this.total);
    const seconds = (now - this.startedAt) / 1000;
    const rate = fraction > 0 && seconds > 0 ? fraction / seconds : null;
    return {
      step,
      fraction,
      bytesPerSecond: rate !== null && this.plan.bytes > 0 ? Math.round(rate * this.plan.bytes) : null,
      secondsLeft: rate !== null ? Math.round(((1 - fraction) / rate) * 10) / 10 : null,
    };
  }
}
