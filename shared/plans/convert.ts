/**
 * Convert to qcow2 (the first step before snapshots: `qemu-img convert -p -t writeback -f F -O qcow2`),
 * the whole chain flattened into one new file. Where the image is the active layer of a
 * shut-off domain's disk, the disk is switched to the new file in the persistent XML and
 * the old file goes to the trash, unless other images still build on it (rule 1).
 */
import { formatBytes } from '../format.js';
import { say, type Said } from '../messages/problems.js';
import { convertArgv } from '../qemu-img/convert.js';
import { defineArgv, dumpxmlInactiveArgv } from '../virsh/define.js';
import { dependentsOf, heldBy } from './dependents.js';
import { blocker, domainLock, draft, freshFileBlockers, missingTools, runStep, toolPath, xmlPathBlockers } from './draft.js';
import type { Blocker, DomainLock, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';
import { chainBlockers, chainOf, sourceImage, UNREADABLE } from './source.js';

export const planConvert: Planner<'convert'> = (intent, world): PlanDraft => {
  const { image: path, path: target } = intent;
  const title = say('plans.title.convert', { image: path, path: target });
  const source = sourceImage(world, path, UNREADABLE);
  const blockers: Blocker[] = [...missingTools(world, ['qemuImg']), ...source.blockers];
  blockers.push(...freshFileBlockers(world, [target]));
  const image = source.image;
  if (image === null) return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });

  // A running QEMU writes into the chain while it would be copied: the copy would be torn.
  const held = heldBy(world, path)[0];
  if (held) blockers.push(blocker('held-by-qemu', say('plans.blocker.heldByQemu', { path, domain: held.domain.name }), [say('plans.alternative.shutOff', { domain: held.domain.name })]));

  const chain = chainOf(world, image);
  // qemu-img opens every layer below the top by the format its overlay's header records (rule 3).
  blockers.push(...chainBlockers(path, chain));
  const steps: StepInput[] = [
    runStep({
      says: say('plans.step.convert', { image: path, path: target }),
      argv: convertArgv(toolPath(world, 'qemuImg'), path, image.format, target, 'qcow2'),
      changes: [target],
      creates: [target],
      progress: 'qemu-img',
      cancel: 'sigint',
    }),
  ];
  const warnings: Said[] = image.backing ? [say('plans.warning.flattened', { path: target })] : [];
  // A stopped daemon hides its domains: one whose disk this is would be left on the old file, unswitched, and not told.
  for (const connection of world.connections.filter((candidate) => !candidate.reachable)) warnings.push(say('plans.warning.libvirtUnknown', { uri: connection.uri, path }));
  const lost: Said[] = [];
  const unused: string[] = [];
  const domains: DomainLock[] = [];

  const dependents = dependentsOf(world, path);
  const switched = held ? [] : dependents.disks.filter((use) => use.active);
  if (switched.length > 0) {
    // The switch names the new file in the domain's XML.
    blockers.push(...missingTools(world, ['virsh']), ...xmlPathBlockers([target]));
    for (const use of switched) {
      const virsh = { virsh: toolPath(world, 'virsh'), uri: use.uri };
      domains.push(domainLock(use.uri, use.domain));
      steps.push({
        op: 'define',
        says: say('plans.step.switchDisk', { domain: use.domain.name, target: use.disk.target, path: target }),
        changes: [],
        domain: domainLock(use.uri, use.domain),
        virsh: virsh.virsh,
        edit: { kind: 'switch-disk', target: use.disk.target, path: target, format: 'qcow2' },
        shows: [[...dumpxmlInactiveArgv(virsh, use.domain.name)], [...defineArgv(virsh, '/dev/stdin')]],
      });
      // The disk leaves the old chain: a snapshot whose state lies in it can no longer be reverted to.
      const inChain = new Set(chain.map((layer) => layer.path));
      for (const snapshot of use.domain.snapshots) {
        const file = snapshot.stateFiles.find((stateFile) => inChain.has(stateFile));
        if (file !== undefined) lost.push(say('plans.lost.libvirtSnapshot', { name: snapshot.name, domain: use.domain.name, path: file }));
      }
    }
    // Only here are they lost: a convert copies none, and the disk leaves the file that has them.
    for (const internal of image.snapshots) lost.push(say('plans.lost.internalSnapshot', { name: internal.name, path }));
    // Overlays on it: those scanned, and the top of any domain's chain it is lower in (that folder may not be watched).
    const below = dependents.disks.filter((use) => !use.active).map((use) => use.disk.activePath ?? use.domain.name);
    const users = [...new Set([...dependents.overlays.map((overlay) => overlay.path), ...below])];
    if (users.length > 0) {
      warnings.push(say('plans.warning.sourceKept', { path, overlays: users.join(', ') }));
    } else {
      unused.push(path);
      steps.push({ op: 'trash', says: say('plans.step.trashSource', { path }), changes: [path], path });
    }
  }
  // What the new file takes, as qemu-img measures it; without that, what the layers hold,
  // no bound either way (a rewritten cluster counts once per layer, compressed clusters grow,
  // zeros are skipped). Where it exceeds the free space the user is warned before Run, since
  // a copy that cannot fit fails half-made and fills the file system meanwhile.
  const measured = world.convertBytes?.(image.path) ?? null;
  const bytes = measured ?? chain.reduce((sum, layer) => sum + layer.actualSize, 0);
  const free = world.freeBytes?.(target) ?? null;
  if (free !== null && free < bytes) warnings.push(say(measured === null ? 'plans.warning.mayNotFit' : 'plans.warning.wontFit', { path: target, size: formatBytes(bytes), free: formatBytes(free) }));
  return draft({
    intent,
    title,
    steps,
    unused,
    bytes,
    lost,
    warnings,
    blockers,
    cancel: say('plans.cancel.convert', { path: target, image: path }),
    lockFiles: chain.map((layer) => layer.path),
    lockDomains: domains,
  });
};
