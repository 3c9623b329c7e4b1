/**
 * Emptying the trash: each job's `.snaptree-trash/<job>` folder beside the files it moved
 * there is deleted for good, one purge step per folder, with the bytes it frees. The only
 * plan that deletes a file, so it is one of its own (rule 6).
 */
import type { TrashEntry } from '../jobs/model.js';
import { formatBytes } from '../format.js';
import { say, type Said } from '../messages/problems.js';
import { dependentsOf } from './dependents.js';
import { blocker, dirOf, draft } from './draft.js';
import type { Blocker, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';


export const planTrashEmpty: Planner<'trash-empty'> = (intent, world): PlanDraft => {
  const chosen = intent.jobs === undefined ? world.trash : world.trash.filter((entry) => intent.jobs!.includes(entry.job));
  const blockers: Blocker[] = (intent.jobs ?? []).filter((job) => !world.trash.some((entry) => entry.job === job)).map((job) => blocker('no-such-trash', say('plans.blocker.noSuchTrash', { job })));
  if (chosen.length === 0 && blockers.length === 0) blockers.push(blocker('nothing-in-trash', say('plans.blocker.nothingInTrash')));

  // A trashed file something still names where it was: a domain's disk or an overlay would lose its data (rule 1),
  // a libvirt snapshot its state. Where a file stands at that path again, they read that one.
  const lost: Said[] = [];
  for (const entry of chosen) {
    if (world.exists(entry.path)) continue;
    const dependents = dependentsOf(world, entry.path);
    const overlays = world.forest.images.filter((image) => image.backing?.path === entry.path).map((image) => image.path);
    const users = [...new Set([...dependents.disks.map((use) => `${use.domain.name} (${use.disk.target})`), ...overlays])];
    if (users.length > 0) blockers.push(blocker('trashed-in-use', say('plans.blocker.trashedInUse', { path: entry.path, users: users.join(', ') }), [say('plans.alternative.restore', { job: entry.job })]));
    for (const use of dependents.snapshots) lost.push(say('plans.lost.trashedState', { name: use.snapshot.name, domain: use.domain.name, path: entry.path }));
  }

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
    lost,
    blockers,
    cancel: say('plans.cancel.trashEmpty'),
    lockFiles: chosen.map((entry) => entry.trashed),
  });
};
