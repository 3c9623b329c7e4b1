/**
 * `qemu-img snapshot -c`: an internal snapshot in an image that no domain uses (design.md
 * section 6, the third column). Blocked wherever it would write under someone: a running
 * QEMU (rule 2), libvirt's own disk (libvirt would not know the snapshot), or overlays
 * built on it (rule 1).
 */
import { say } from '../messages/problems.js';
import { snapshotArgv } from '../qemu-img/snapshot.js';
import { dependentsOf, heldBy } from './dependents.js';
import { blocker, draft, heldOutside, missingTools, runStep, toolPath } from './draft.js';
import type { Blocker, PlanDraft } from './plan.js';
import type { Planner } from './planners.js';
import { sourceImage, UNSAFE_TO_WRITE } from './source.js';

export const planImageSnapshot: Planner<'image-snapshot'> = (intent, world): PlanDraft => {
  const { image: path, name } = intent;
  const title = say('plans.title.imageSnapshot', { name, path });
  const source = sourceImage(world, path, UNSAFE_TO_WRITE, 'imageUnsafe');
  const blockers: Blocker[] = [...missingTools(world, ['qemuImg']), ...source.blockers];
  if (name.trim() === '') blockers.push(blocker('name-empty', say('plans.blocker.nameEmpty')));
  const image = source.image;
  if (image === null) return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });

  if (image.format !== 'qcow2' && image.format !== 'unknown') {
    blockers.push(blocker('not-qcow2', say('plans.blocker.notQcow2', { path, format: image.format }), [say('plans.alternative.convert', { path })]));
  }
  if (image.snapshots.some((existing) => existing.name === name)) blockers.push(blocker('name-taken', say('plans.blocker.imageNameTaken', { name, path })));
  const dependents = dependentsOf(world, path);
  const held = heldBy(world, path)[0];
  if (held) {
    blockers.push(blocker('held-by-qemu', say('plans.blocker.heldByQemu', { path, domain: held.domain.name }), [say('plans.alternative.domainSnapshot', { domain: held.domain.name })]));
  } else if (dependents.disks[0]) {
    const owner = dependents.disks[0].domain.name;
    blockers.push(blocker('domain-disk', say('plans.blocker.domainDisk', { path, domain: owner }), [say('plans.alternative.domainSnapshot', { domain: owner })]));
  }
  blockers.push(...heldOutside(world, [path]));
  if (dependents.overlays.length > 0) {
    const overlays = dependents.overlays.map((overlay) => overlay.path).join(', ');
    blockers.push(blocker('backing-file', say('plans.blocker.backingFileSnapshot', { path, overlays }), [say('plans.alternative.overlayInstead', { path })]));
  }
  const step = runStep({
    says: say('plans.step.imageSnapshot', { name, path }),
    argv: snapshotArgv(toolPath(world, 'qemuImg'), path, image.format, { kind: 'create', name }),
    changes: [path],
  });
  return draft({ intent, title, steps: [step], blockers, cancel: say('plans.cancel.imageSnapshot', { path }), lockFiles: [path] });
};
