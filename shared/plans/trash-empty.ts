/**
 * Emptying the trash: each job's `.snaptree-trash/<job>` folder beside the files it moved
 * there is deleted for good, one purge step per folder, with the bytes it frees. The only
 * plan that deletes a file, so it is one of its own (rule 6).
 */
import type { TrashEntry } from '../jobs/model.js';
import { formatBytes } from '../format.js';
import { say } from '../messages/problems.js';
import { blocker, dirOf, draft } from './draft.js';
import type { Blocker, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';


export const planTrashEmpty: Planner<'trash-empty'> = (intent, world): PlanDraft => {
  const chosen = intent.jobs === undefined ? world.trash : world.trash.filter((entry) => intent.jobs!.includes(entry.job));
  const blockers: Blocker[] = (intent.jobs ?? []).filter((job) => !world.trash.some((entry) => entry.job === job)).map((job) => blocker('no-such-trash', say('plans.blocker.noSuchTrash', { job })));
  if (chosen.length === 0 && blockers.length === 0) blockers.push(blocker('nothing-in-trash', say('plans.blocker.nothingInTrash')));

  const folders = new Map<string, TrashEntry[]>();
  for (const entry of chosen) {
    const folder = dirOf(entry.trashed);
    folders.set(folder, [...(folders.get(folder) ?? []), entry]);
  }
  const steps: StepInput[] = [...folders].map(([folder, entries]) => {
    const bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    return { op: 'purge', says: say('plans.step.purge', { folder, size: formatBytes(bytes) }), changes: entries.map((entry) => entry.trashed), folder, bytes };
  });
  const bytes = chosen.reduce((sum, entry) => sum + entry.bytes, 0);
  return draft({
    intent,
    title: say('plans.title.trashEmpty', { size: formatBytes(bytes) }),
    steps,
    unused: [],
    bytes,
    blockers,
    cancel: say('plans.cancel.trashEmpty'),
    lockFiles: chosen.map((entry) => entry.trashed),
  });
};
