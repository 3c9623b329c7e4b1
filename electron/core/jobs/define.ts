/**
 * A define step: the domain's persistent XML read when the step runs, changed only as the
 * plan's edit says, and defined again (shared/plans/plan.ts, DefineStep).
 */
import type { DefineStep } from '../../../shared/plans/plan.js';
import type { Host } from '../host/host.js';

export async function runDefineStep(host: Host, step: DefineStep, signal: AbortSignal): Promise<void> {
  void host;
  void step;
  void signal;
  throw new Error('define steps: not built yet');
}
