/**
 * `qemu-img check --output=json` of an image, or of each layer of its chain. A layer a
 * running QEMU holds is read with `-U`, and said to be so; a repair (`-r leaks|all`)
 * writes, so it is refused on a held image (rule 2) and says first what it can lose.
 */
import { say, type Said } from '../messages/problems.js';
import { CHECK_RAN_EXIT_CODES, checkArgv } from '../qemu-img/check.js';
import { dependentsOf, heldBy } from './dependents.js';
import { blocker, draft, heldOutside, missingTools, runStep, toolPath } from './draft.js';
import type { Blocker, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';
import { chainOf, sourceImage } from './source.js';

/** The formats `qemu-img check` checks; any other exits 63 ("does not support checks"). */
const CHECKABLE = new Set(['qcow2', 'qed', 'vdi', 'vhdx', 'vmdk']);

export const planCheck: Planner<'check'> = (intent, world): PlanDraft => {
  const { image: path, repair } = intent;
  const title = repair ? say('plans.title.repair', { path, mode: repair }) : intent.chain ? say('plans.title.checkChain', { path }) : say('plans.title.check', { path });
  // A check is how a damaged image is looked at: only a file that is not there, or whose format is not known, stops it.
  const source = sourceImage(world, path, []);
  const blockers: Blocker[] = [...missingTools(world, ['qemuImg']), ...source.blockers];
  if (source.image === null) return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });

  const layers = intent.chain ? chainOf(world, source.image) : [source.image];
  const warnings: Said[] = [];
  const steps: StepInput[] = [];
  for (const layer of layers) {
    if (!CHECKABLE.has(layer.format)) {
      // A raw base in a chain has nothing to check; an image asked for by itself is refused.
      if (layer === source.image) blockers.push(blocker('no-check', say('plans.blocker.noCheck', { path: layer.path, format: layer.format })));
      continue;
    }
    const holders = heldBy(world, layer.path);
    const held = holders[0];
    // Only the layer QEMU writes to changes while it is read; a lower layer is read-only to QEMU too.
    const written = holders.find((use) => use.active);
    // A QEMU libvirt does not run (qemu-nbd, qemu-io, another program's guest) holds it too: read with -U, never repaired under it.
    const outside = heldOutside(world, [layer.path]);
    if (repair && held) {
      blockers.push(blocker('held-by-qemu', say('plans.blocker.heldByQemu', { path: layer.path, domain: held.domain.name }), [say('plans.alternative.shutOff', { domain: held.domain.name })]));
    }
    if (repair) blockers.push(...outside);
    if (repair) warnings.push(say(repair === 'all' ? 'plans.warning.repairAll' : 'plans.warning.repairLeaks', { path: layer.path }));
    // Rule 1: what `-r all` discards in a backing file, every image built on it loses too (freeing leaks changes no data).
    const overlays = dependentsOf(world, layer.path).overlays;
    if (repair === 'all' && overlays.length > 0) warnings.push(say('plans.warning.repairDependents', { path: layer.path, overlays: overlays.map((overlay) => overlay.path).join(', ') }));
    else if (written) warnings.push(say('plans.warning.checkShared', { path: layer.path, domain: written.domain.name }));
    steps.push(
      runStep({
        says: repair ? say('plans.step.repair', { path: layer.path, mode: repair }) : say('plans.step.check', { path: layer.path, format: layer.format }),
        argv: checkArgv(toolPath(world, 'qemuImg'), layer.path, layer.format, repair ? { repair } : { shared: held !== undefined || outside.length > 0 }),
        changes: repair ? [layer.path] : [],
        okExitCodes: CHECK_RAN_EXIT_CODES,
        keepOutput: true,
        // A check only reads: stopping it halfway loses nothing. A repair is left to finish.
        cancel: repair ? 'wait' : 'sigint',
      }),
    );
  }
  return draft({
    intent,
    title,
    steps,
    warnings,
    blockers,
    cancel: repair ? say('plans.cancel.repair', { path }) : say('plans.cancel.check'),
    lockFiles: layers.map((layer) => layer.path),
  });
};
