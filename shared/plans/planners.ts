/**
 * One planner per kind of intent, each in its own module: the intent and the World in, a
 * plan draft out, with no I/O. A planner never throws on bad input: it returns a plan with
 * blockers that say why.
 */
import type { Intent, IntentKind, IntentOf } from './intent.js';
import type { PlanDraft } from './plan.js';
import type { World } from './world.js';
import { blockJobBlockers } from './block-jobs.js';
import { planCheck } from './check.js';
import { planConvert } from './convert.js';
import { planImageSnapshot } from './image-snapshot.js';
import { planOverlay } from './overlay.js';
import { planSnapshot } from './snapshot.js';
import { planTrashEmpty } from './trash-empty.js';
import { planImageRevert, planRevert } from './revert.js';
import { planCloneSnapshot } from './clone-snapshot.js';
import { planDelete } from './delete.js';
import { planImageSnapshotDelete } from './image-snapshot-delete.js';
import { planCommit, planPull } from './merge.js';

export type Planner<K extends IntentKind> = (intent: IntentOf<K>, world: World) => PlanDraft;

type Planners = { [K in IntentKind]: Planner<K> };

const planners: Planners = {
  snapshot: planSnapshot,
  'image-snapshot': planImageSnapshot,
  overlay: planOverlay,
  convert: planConvert,
  check: planCheck,
  'trash-empty': planTrashEmpty,
  revert: planRevert,
  'image-revert': planImageRevert,
  clone: planCloneSnapshot,
  delete: planDelete,
  'image-snapshot-delete': planImageSnapshotDelete,
  commit: planCommit,
  pull: planPull,
};

/**
 * The kinds whose planners weigh the trash: a file an earlier job made unused is no
 * dependent of a fold or a merge, and an emptying deletes what is there. The core reads
 * the trash for these alone, since that read looks at every file the journal ever put
 * there and grows with its history; the others' planners are shown no trash at all.
 */
const WEIGH_TRASH: ReadonlySet<IntentKind> = new Set(['delete', 'commit', 'pull', 'trash-empty']);

export function weighsTrash(kind: IntentKind): boolean {
  return WEIGH_TRASH.has(kind);
}

export function plan(intent: Intent, world: World): PlanDraft {
  const draft = (planners[intent.kind] as Planner<typeof intent.kind>)(intent, weighsTrash(intent.kind) ? world : withoutTrash(world, intent.kind));
  const jobs = blockJobBlockers(draft, world);
  return jobs.length === 0 ? draft : { ...draft, blockers: [...draft.blockers, ...jobs] };
}

/** The world with a trash that cannot be read: a planner that reads it anyway fails loudly, never plans on a trash left unread. */
function withoutTrash(world: World, kind: IntentKind): World {
  return Object.defineProperty({ ...world }, 'trash', {
    get(): never {
      throw new Error(`the ${kind} planner reads the trash: add its kind to WEIGH_TRASH`);
    },
  });
}
