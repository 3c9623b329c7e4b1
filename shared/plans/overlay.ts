/**
 * A new overlay on any image (a branch), `qemu-img create -f qcow2 -b B -F fmt -- NEW`,
 * and with `clone`, a linked-clone domain defined on it: the source domain's persistent
 * XML with a new name, no UUID and no MAC addresses (libvirt makes new ones), its disk on
 * the new overlay. The source domain is not touched.
 */
import { baseName } from '../format.js';
import type { Image } from '../images/model.js';
import type { Domain } from '../libvirt/model.js';
import { say } from '../messages/problems.js';
import { createOverlayArgv } from '../qemu-img/create.js';
import { defineArgv, dumpxmlInactiveArgv } from '../virsh/define.js';
import { dependentsOf, heldBy } from './dependents.js';
import { blocker, dirOf, domainLock, draft, freshFileBlockers, missingTools, newFileBlockers, runStep, toolPath } from './draft.js';
import type { IntentOf } from './intent.js';
import type { Blocker, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';
import { sourceImage, UNREADABLE } from './source.js';
import type { World } from './world.js';


/**
 * The backing name to store in the new overlay's header. Beside it, the bare file name:
 * the pair keeps working when the folder is moved or mounted elsewhere as a whole. In
 * another folder, the absolute path: a relative name there would be read against the
 * overlay's own folder (reference 1.6) and break as soon as either file moves alone.
 */
export function backingName(overlay: string, backing: string): string {
  return dirOf(overlay) === dirOf(backing) ? baseName(backing) : backing;
}

function cloneStep(intent: IntentOf<'overlay'>, world: World, backing: Image, blockers: Blocker[]): { step: StepInput; source: Domain } | null {
  const clone = intent.clone!;
  blockers.push(...missingTools(world, ['virsh']));
  const connection = world.connections.find((candidate) => candidate.uri === clone.uri);
  const source = connection?.domains.find((candidate) => candidate.name === clone.domain);
  if (!connection || !source) {
    blockers.push(blocker('no-domain', say('plans.blocker.noDomain', { domain: clone.domain, uri: clone.uri })));
    return null;
  }
  if (connection.domains.some((candidate) => candidate.name === clone.name)) blockers.push(blocker('domain-exists', say('plans.blocker.domainExists', { name: clone.name, uri: clone.uri })));
  // libvirt refuses a line break in a domain name when it defines one.
  if (clone.name.includes('\n')) blockers.push(blocker('name-refused', say('plans.blocker.domainNameNewline', { name: clone.name })));

  const use = dependentsOf(world, backing.path).disks.find((candidate) => candidate.domain.uuid === source.uuid);
  if (!use) {
    blockers.push(blocker('not-in-domain', say('plans.blocker.notInDomain', { path: backing.path, domain: source.name })));
  } else if (use.active) {
    // The source goes on writing into its active layer: a clone built on it would see its disk change under it.
    blockers.push(blocker('clone-of-active', say('plans.blocker.cloneOfActive', { path: backing.path, domain: source.name }), [say('plans.alternative.externalSnapshot', { domain: source.name })]));
  }
  const others = source.disks.filter((disk) => disk.device === 'disk' && !disk.readonly && disk.target !== use?.disk.target).map((disk) => disk.target);
  if (others.length > 0) blockers.push(blocker('clone-other-disks', say('plans.blocker.cloneOtherDisks', { domain: source.name, targets: others.join(', ') })));

  const target = use?.disk.target ?? 'vda';
  const virsh = { virsh: toolPath(world, 'virsh'), uri: clone.uri };
  const step: StepInput = {
    op: 'define',
    says: say('plans.step.clone', { name: clone.name, source: source.name, target, path: intent.path }),
    changes: [],
    domain: domainLock(clone.uri, source),
    virsh: virsh.virsh,
    edit: { kind: 'clone', name: clone.name, disks: { [target]: intent.path } },
    shows: [[...dumpxmlInactiveArgv(virsh, source.name)], [...defineArgv(virsh, '/dev/stdin')]],
  };
  return { step, source };
}

export const planOverlay: Planner<'overlay'> = (intent, world): PlanDraft => {
  const { image: path, path: target } = intent;
  const title = intent.clone ? say('plans.title.clone', { name: intent.clone.name, path: target }) : say('plans.title.overlay', { path: target, image: path });
  const source = sourceImage(world, path, UNREADABLE);
  const blockers: Blocker[] = [...missingTools(world, ['qemuImg']), ...source.blockers];
  // A clone's define names the new file in its XML.
  blockers.push(...(intent.clone ? newFileBlockers(world, [target]) : freshFileBlockers(world, [target])));
  const backing = source.image;
  if (backing === null) return draft({ intent, title, steps: [], blockers, cancel: say('plans.cancel.nothing'), lockFiles: [] });

  // Running or shut off: a domain writes into its active layer whenever it runs, and an
  // overlay made on it would then see its base change under it (rule 1).
  const writer = dependentsOf(world, path).disks.find((use) => use.active);
  if (writer) {
    blockers.push(blocker('backing-written', say('plans.blocker.backingWritten', { path, domain: writer.domain.name }), [say('plans.alternative.externalSnapshot', { domain: writer.domain.name })]));
  }
  // So may a QEMU libvirt does not run, which holds it open with the write permission (one that only reads it leaves it as it is).
  if (world.qemuWrites?.(path) === true && heldBy(world, path).length === 0) blockers.push(blocker('backing-held-outside', say('plans.blocker.backingHeldOutside', { path })));
  const steps: StepInput[] = [
    runStep({
      says: say('plans.step.overlay', { path: target, backing: path, format: backing.format }),
      argv: createOverlayArgv(toolPath(world, 'qemuImg'), target, backingName(target, path), backing.format),
      changes: [target],
      creates: [target],
    }),
  ];
  const clone = intent.clone ? cloneStep(intent, world, backing, blockers) : null;
  if (clone) steps.push(clone.step);
  return draft({
    intent,
    title,
    steps,
    blockers,
    cancel: intent.clone ? say('plans.cancel.clone', { path: target }) : say('plans.cancel.overlay', { path: target }),
    lockFiles: [path],
    lockDomains: clone ? [domainLock(intent.clone!.uri, clone.source)] : [],
  });
};
