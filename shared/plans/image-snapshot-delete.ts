/**
 * `qemu-img snapshot -d`: an internal snapshot deleted from an image that no running QEMU
 * holds (rule 2; through the domain's libvirt otherwise). Deleting one changes nothing an
 * overlay reads, so overlays do not block it. Measured on qemu-img 7.2: `-d` matches the
 * name alone (`-d 1` does not find ID 1; a snapshot named "1" goes), the first in the table
 * when names repeat: the plan names that one by its ID and date, and those that stay.
 */
import { say } from '../messages/problems.js';
import { snapshotArgv } from '../qemu-img/snapshot.js';
import { dependentsOf, heldBy } from './dependents.js';
import { blocker, draft, heldOutside, missingTools, runStep, toolPath } from './draft.js';
import type { Blocker, PlanDraft } from './plan.js';
import type { Planner } from './planners.js';
import { sourceImage, UNSAFE_TO_WRITE } from './source.js';

export const planImageSnapshotDelete: Planner<'image-snapshot-delete'> = (intent, world): PlanDraft => {
  const { image: path, name } = intent;
  const title = say('plans.delete.title.image', { name, path });
  const source = sourceImage(world, path, UNSAFE_TO_WRITE, 'imageUnsafe');
  const blockers: Blocker[] = [...missingTools(world, ['qemuImg']), ...source.blockers];
  const image = source.image;
  if (image === null) return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });

  const [doomed, ...namesakes] = image.snapshots.filter((snapshot) => snapshot.name === name);
  if (doomed === undefined) {
    blockers.push(blocker('no-snapshot', say('plans.delete.blocker.noImageSnapshot', { name, path })));
    return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });
  }
  blockers.push(...heldOutside(world, [path]));
  const held = heldBy(world, path)[0];
  if (held) blockers.push(blocker('held-by-qemu', say('plans.blocker.heldByQemu', { path, domain: held.domain.name }), [say('plans.delete.alternative.throughDomain', { domain: held.domain.name })]));
  // A libvirt snapshot's state: deleted behind libvirt's back, its record would stay and name a state that is gone.
  const record = dependentsOf(world, path).snapshots.find((use) => use.as === 'state' && use.snapshot.name === name);
  if (record) blockers.push(blocker('libvirt-snapshot', say('plans.delete.blocker.libvirtSnapshot', { name, path, domain: record.domain.name }), [say('plans.delete.alternative.throughDomain', { domain: record.domain.name })]));
  const warnings = namesakes.length > 0 ? [say('plans.delete.warning.sameName', { name, id: doomed.id, date: doomed.date, others: namesakes.map((other) => other.id).join(', ') })] : [];
  const step = runStep({
    says: say('plans.delete.step.imageSnapshot', { name, id: doomed.id, path }),
    argv: snapshotArgv(toolPath(world, 'qemuImg'), path, image.format, { kind: 'delete', name }),
    changes: [path],
  });
  return draft({ intent, title, steps: [step], warnings, lost: [say('plans.delete.lost.image', { name, id: doomed.id, path })], blockers, cancel: say('plans.cancel.imageSnapshot', { path }), lockFiles: [path] });
};
