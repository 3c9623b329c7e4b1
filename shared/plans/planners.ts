/**
 * One planner per kind of intent, each in its own module: the intent and the World in, a
 * plan draft out, with no I/O. A planner never throws on bad input: it returns a plan with
 * blockers that say why.
 */
import type { Intent, IntentKind, IntentOf } from './intent.js';
import type { PlanDraft } from './plan.js';
import type { World } from './world.js';
import { planSnapshot } from './snapshot.js';

export type Planner<K extends IntentKind> = (intent: IntentOf<K>, world: World) => PlanDraft;

type Planners = { [K in IntentKind]: Planner<K> };

const planners: Partial<Planners> = { snapshot: planSnapshot };

export function plan(intent: Intent, world: World): PlanDraft {
  const planner = planners[intent.kind] as Planner<typeof intent.kind> | undefined;
  if (planner === undefined) throw new Error(`no planner for ${intent.kind} yet`);
  return planner(intent, world);
}
