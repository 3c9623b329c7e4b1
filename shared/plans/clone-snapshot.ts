/**
 * A linked clone of a guest as it was at a snapshot: a fresh overlay on each disk's state
 * file, and a new domain defined from the definition the snapshot saved, with a new name,
 * no UUID and no MAC addresses (libvirt makes new ones), its disks on the new overlays. The
 * source domain and its files are only read. An internal snapshot has no file that holds
 * its state alone: each disk is then copied whole (`qemu-img convert -l`), and the plan says how much.
 */
import { formatBytes } from '../format.js';
import type { Image } from '../images/model.js';
import type { Domain } from '../libvirt/model.js';
import { say, type Said } from '../messages/problems.js';
import { convertArgv } from '../qemu-img/convert.js';
import { defineArgv } from '../virsh/define.js';
import { snapshotDumpxmlArgv } from '../virsh/revert.js';
import { qemuRuns } from './dependents.js';
import { blocker, dirOf, domainLock, draft, fileNamePart, missingTools, newFileBlockers, runStep, toolPath } from './draft.js';
import type { IntentOf } from './intent.js';
import type { Blocker, PlanDraft, StepInput } from './plan.js';
import type { Planner } from './planners.js';
import { chainBlockers, chainOf } from './source.js';
import { branchStep, diskStates, findSnapshot, internalCarrier, isExternal, staleBlockers, stemOf, type Found } from './snapshot-branch.js';
import type { World } from './world.js';

type CloneIntent = IntentOf<'clone'>;

const defaultPath = (state: string, name: string): string => `${dirOf(state)}/${stemOf(state)}.${fileNamePart(name)}.qcow2`;

/** Linked: a new overlay per external disk on the file that holds its state. */
function linked(intent: CloneIntent, world: World, found: Found) {
  const { states, blockers } = diskStates(world, found);
  const disks: Record<string, string> = {};
  for (const state of states) disks[state.target] = intent.files[state.target] ?? defaultPath(state.state, intent.name);
  const steps = states.map((state) => branchStep(toolPath(world, 'qemuImg'), disks[state.target]!, state));
  return { steps, blockers, disks, bytes: 0, warnings: [] as Said[], reads: states.map((state) => state.state) };
}

/**
 * A full copy of each disk at an internal snapshot. The snapshot's clusters are never
 * written while the guest runs (its refcount makes QEMU copy on write), so a running
 * domain's disk is read through `-U`: qemu-img 7.2 refuses it otherwise (the write lock).
 */
function copied(intent: CloneIntent, world: World, found: Found) {
  const { domain, snapshot } = found;
  const blockers: Blocker[] = [];
  const steps: StepInput[] = [];
  const disks: Record<string, string> = {};
  const reads: string[] = [];
  let bytes = 0;
  for (const { target, carrier } of internalCopies(world, found)) {
    if (carrier === undefined) {
      blockers.push(blocker('state-unknown', say('plans.cloneSnapshot.blocker.internalStateUnknown', { snapshot: snapshot.name, target })));
      continue;
    }
    // Rule 3: qemu-img reads the layers below the carrier by the formats their headers record, never a guess.
    blockers.push(...chainBlockers(carrier.path, chainOf(world, carrier)));
    const path = intent.files[target] ?? defaultPath(carrier.path, intent.name);
    disks[target] = path;
    reads.push(carrier.path);
    // What qemu-img measures the snapshot's copy takes; else all the file holds, its other states and the guest's writes since included.
    const size = world.convertBytes?.(carrier.path, snapshot.name) ?? carrier.actualSize;
    bytes += size;
    steps.push(
      runStep({
        says: say('plans.cloneSnapshot.step.copy', { snapshot: snapshot.name, path: carrier.path, target: path, size: formatBytes(size), virtual: formatBytes(carrier.virtualSize) }),
        argv: convertArgv(toolPath(world, 'qemuImg'), carrier.path, carrier.format, path, 'qcow2', { snapshot: snapshot.name, shared: qemuRuns(domain) }),
        changes: [path],
        creates: [path],
        progress: 'qemu-img',
        cancel: 'sigint',
      }),
    );
  }
  const warnings = [say('plans.cloneSnapshot.warning.fullCopy', { snapshot: snapshot.name, size: formatBytes(bytes) }), ...(qemuRuns(domain) ? [say('plans.cloneSnapshot.warning.readsShared', { domain: domain.name })] : [])];
  return { steps, blockers, disks, bytes, warnings, reads };
}

/** Each disk the internal snapshot holds, with the image that holds its state there (undefined where none scanned does): it is copied whole. */
function internalCopies(world: World, found: Found): { readonly target: string; readonly carrier: Image | undefined }[] {
  const { domain, snapshot } = found;
  return snapshot.disks
    .filter((disk) => disk.snapshot === 'internal')
    .map((disk) => ({ target: disk.target, carrier: internalCarrier(world, domain.disks.find((candidate) => candidate.target === disk.target)?.chain ?? [], snapshot) }));
}

/** The images the clone's plan copies whole (an internal snapshot's carriers); none for a linked clone. */
export function clonedCarriers(intent: CloneIntent, world: World): Image[] {
  const found = findSnapshot(world, intent.uri, intent.domain, intent.snapshot);
  if ('blocker' in found || isExternal(found.snapshot)) return [];
  return internalCopies(world, found).flatMap(({ carrier }) => (carrier === undefined ? [] : [carrier]));
}

function nameBlockers(intent: CloneIntent, found: Found): Blocker[] {
  const blockers: Blocker[] = [];
  if (intent.name.trim() === '') blockers.push(blocker('name-empty', say('plans.cloneSnapshot.blocker.nameEmpty')));
  if (found.connection.domains.some((candidate: Domain) => candidate.name === intent.name)) blockers.push(blocker('domain-exists', say('plans.blocker.domainExists', { name: intent.name, uri: intent.uri })));
  // libvirt refuses a line break in a domain name when it defines one.
  if (intent.name.includes('\n')) blockers.push(blocker('name-refused', say('plans.blocker.domainNameNewline', { name: intent.name })));
  return blockers;
}

export const planCloneSnapshot: Planner<'clone'> = (intent, world): PlanDraft => {
  const title = say('plans.cloneSnapshot.title', { name: intent.name, domain: intent.domain, snapshot: intent.snapshot });
  const tools = missingTools(world, ['qemuImg', 'virsh']);
  const found = findSnapshot(world, intent.uri, intent.domain, intent.snapshot);
  if ('blocker' in found) return draft({ intent, title, steps: [], blockers: [...tools, found.blocker], cancel: say('plans.cancel.nothing'), lockFiles: [] });
  const { domain, snapshot } = found;
  const part = isExternal(snapshot) ? linked(intent, world, found) : copied(intent, world, found);
  const blockers = [...tools, ...staleBlockers(intent.uri, found), ...nameBlockers(intent, found), ...part.blockers, ...newFileBlockers(world, Object.values(part.disks))];
  for (const target of Object.keys(intent.files)) if (!(target in part.disks)) blockers.push(blocker('no-such-disk', say('plans.blocker.noSuchDisk', { target, domain: domain.name })));
  const virsh = { virsh: toolPath(world, 'virsh'), uri: intent.uri };
  const define: StepInput = {
    op: 'define',
    says: say('plans.cloneSnapshot.step.define', { name: intent.name, source: domain.name, snapshot: snapshot.name, disks: Object.entries(part.disks).map(([target, path]) => `${target} ${path}`).join(', ') }),
    changes: [],
    domain: domainLock(intent.uri, domain),
    virsh: virsh.virsh,
    edit: { kind: 'clone', name: intent.name, disks: part.disks },
    snapshot: snapshot.name,
    shows: [[...snapshotDumpxmlArgv(virsh, domain.name, snapshot.name)], [...defineArgv(virsh, '/dev/stdin')]],
  };
  // A clone is defined shut off: the RAM a snapshot kept stays with the source's snapshot.
  const memory = snapshot.memory === 'no' ? [] : [say('plans.cloneSnapshot.warning.bootsAfresh', { snapshot: snapshot.name, name: intent.name })];
  return draft({
    intent,
    title,
    steps: [...part.steps, define],
    bytes: part.bytes,
    warnings: [...part.warnings, ...memory],
    blockers,
    cancel: say('plans.cloneSnapshot.cancel', { domain: domain.name }),
    lockFiles: part.reads,
    lockDomains: [domainLock(intent.uri, domain)],
  });
};
