/**
 * The core's side of the change path: the World a planner sees, the plan's id, and the
 * requests that plan, start, cancel and list jobs and the trash. The plan that runs is
 * the plan that was shown: a job plans the intent again on the world read afresh (holding
 * its locks, when it can run at once), and runs only if that plan has the id the user saw.
 */
import { createHash } from 'node:crypto';
import { lstatSync, statfsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Image } from '../../shared/images/model.js';
import type { Linked } from '../../shared/libvirt/link.js';
import { Intent, type IntentInput } from '../../shared/plans/intent.js';
import { PlanDraftSchema, type DomainLock, type Plan } from '../../shared/plans/plan.js';
import { plan as planDraft, weighsTrash } from '../../shared/plans/planners.js';
import { dropTargets } from '../../shared/plans/drop-targets.js';
import { copiedChains } from '../../shared/plans/copies.js';
import { mappedChains } from '../../shared/plans/merge-bytes.js';
import type { MapExtent } from '../../shared/qemu-img/map.js';
import type { World } from '../../shared/plans/world.js';
import type { Host } from './host/host.js';
import { fsPath } from './images/fs-path.js';
import { mapChain, measureChain } from './images/chain-reads.js';
import { qemuLockProbe } from './images/qemu-locks.js';
import { answeringAgents } from './libvirt/agent.js';
import { PlanChanged, type Jobs } from './jobs/jobs.js';
import type { Handlers } from './core.js';

function stateBase(): string {
  return process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
}
export function defaultJournalDir(): string {
  return join(stateBase(), 'snaptree', 'jobs');
}
export function defaultDataDir(): string {
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'snaptree');
}

/** Anything at the path, even a dangling link or a folder: a plan never creates a file there. */
function exists(path: string): boolean {
  try {
    lstatSync(fsPath(path));
    return true;
  } catch (error) {
    // Only "nothing there" is absence; a folder that cannot be read may hold the name.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** A folder, or something the system would not let us look at (the step then says why); not one where nothing or a file is. */
function isFolder(path: string): boolean {
  try {
    return statSync(fsPath(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** What an unprivileged writer may still write on the file system of a path's folder; null when it cannot be asked. */
function freeBytes(path: string): number | null {
  try {
    const fs = statfsSync(fsPath(dirname(path)));
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}

/**
 * The facts a plan stands on, besides its own steps: every image it names or locks and
 * every domain it locks, as read now. A header or a domain's state that changed between
 * showing and running changes the id, and the user sees the new plan.
 */
function basis(draft: Omit<Plan, 'id'>, view: Linked): unknown {
  const files = new Set(standsOn(draft).files);
  // What a header says, not how big the file has grown: a running guest's active layer
  // grows by the second, and a plan for its snapshot must not be "changed" by that.
  const facts = (image: Image) => [image.path, image.format, image.virtualSize, image.backing, image.snapshots, image.dataFile, image.problems.map((problem) => problem.key), image.usedBy];
  const domains = draft.locks.domains.map(({ uri, uuid }) => {
    const domain = view.connections.find((connection) => connection.uri === uri)?.domains.find((candidate) => candidate.uuid === uuid);
    return domain === undefined ? null : { state: domain.state, disks: domain.disks.map((disk) => [disk.target, disk.chain]), snapshots: domain.snapshots.map((s) => [s.name, s.current]) };
  });
  return { images: view.images.filter((image) => files.has(image.path)).map(facts), domains };
}

/**
 * Left out of a plan's fingerprint. Byte counts, wherever a plan says one (what it writes,
 * what a purge frees, the free space a merge's copy needs, and the same in its sentences'
 * values), are estimates: from allocated sizes, which a running guest or the file system's
 * delayed allocation change by the second, or a convert's measure, which the plan shown may
 * have where a plan made again has none. A sentence's wording is its key and values put in
 * words, the figures with them: it would bring back what its values leave out.
 */
const NOT_FINGERPRINTED = new Set(['bytes', 'size', 'free', 'message']);

/** The plan's fingerprint: its steps and files, and the facts they stand on. */
export function planId(draft: Omit<Plan, 'id'>, view: Linked): string {
  const steady = JSON.stringify([draft, basis(draft, view)], (key, value: unknown) => (NOT_FINGERPRINTED.has(key) ? undefined : value));
  return createHash('sha256').update(steady).digest('hex').slice(0, 16);
}

export interface PlanSources {
  readonly host: Host;
  /** The view as last read (planning), or with what a plan stands on read again now (starting). */
  view(fresh?: StandsOn): Promise<Linked>;
  readonly jobs: () => Jobs;
  readonly dataDir: string;
}

/**
 * What a world holds besides the view: looked up while the view is read. `checking`: the
 * job whose plan is checked once it holds its locks; its own files are not another job's.
 * The trash only for the planners that weigh it: reading it lstats every file the journal
 * ever put there (5-15 ms of a snapshot's start, with a few dozen jobs in the journal).
 */
function worldFacts(sources: PlanSources, intent: Intent, checking?: string) {
  const trash = weighsTrash(intent.kind) ? sources.jobs().trash() : Promise.resolve([]);
  return Promise.all([sources.host.findProgram('qemu-img'), sources.host.findProgram('virsh'), trash, sources.jobs().heldFiles(checking)]);
}

/** `mapped`: false for a drag's drop targets, which weigh no space (drop-targets.ts) and so run no qemu-img map. */
async function worldOf(sources: PlanSources, view: Linked, intent: Intent, facts = worldFacts(sources, intent), mapped = true): Promise<World> {
  const [qemuImg, virsh, trash, held] = await facts;
  const agents = await answeringAgents(sources.host, virsh, view, intent);
  const world: World = {
    forest: { images: view.images, errors: [], skipped: [], scannedAt: '' },
    connections: view.connections,
    exists,
    isFolder,
    tools: { qemuImg, virsh },
    dataDir: sources.dataDir,
    trash,
    agents,
    now: new Date(),
    freeBytes,
    qemuHolds: qemuLockProbe(held),
    qemuWrites: qemuLockProbe(held, { writing: true }),
  };
  const [copies, maps] = await Promise.all([measuredCopies(sources.host, world, intent), mapped ? mappedMerges(sources.host, world, intent) : {}]);
  return { ...world, ...copies, ...maps };
}

/** Which layer holds each range of the chains a merge reads and writes, mapped by qemu-img (none, none mapped). */
async function mappedMerges(host: Host, world: World, intent: Intent): Promise<Pick<World, 'chainMap'>> {
  const chains = mappedChains(intent, world);
  const qemuImg = world.tools.qemuImg;
  if (chains.length === 0 || qemuImg === null) return {};
  const mapped = new Map<string, readonly MapExtent[]>();
  await Promise.all(
    chains.map(async (chain) => {
      const map = await mapChain(host, qemuImg, chain);
      if (map !== null) mapped.set(chain[0].path, map);
    }),
  );
  return { chainMap: (path) => mapped.get(path) ?? null };
}

/** What the plan's whole copies write, measured by qemu-img: the chains it copies, each as read now (none, none measured). */
async function measuredCopies(host: Host, world: World, intent: Intent): Promise<Pick<World, 'convertBytes'>> {
  const copies = copiedChains(intent, world);
  const qemuImg = world.tools.qemuImg;
  if (copies.length === 0 || qemuImg === null) return {};
  const key = (path: string, snapshot: string | undefined) => `${path}\0${snapshot ?? ''}`;
  const measured = new Map<string, number>();
  await Promise.all(
    copies.map(async ({ chain, snapshot }) => {
      const measure = await measureChain(host, qemuImg, chain, snapshot);
      if (measure !== null) measured.set(key(chain[0].path, snapshot), measure.required);
    }),
  );
  return { convertBytes: (path, snapshot) => measured.get(key(path, snapshot)) ?? null };
}

/** The files and domains a plan stands on: read again before it starts. */
export interface StandsOn {
  readonly files: readonly string[];
  readonly domains: readonly DomainLock[];
}

function standsOn(plan: Omit<Plan, 'id'>): StandsOn {
  const files = new Set([...plan.changes, ...plan.unused, ...plan.locks.files]);
  return { files: [...files], domains: plan.locks.domains };
}

/**
 * Plans an intent (the CLI's too: it gives the intent unparsed, with its defaults left out),
 * on the view as last read, or, with `fresh`, on those files and domains read again now;
 * `checking`: the job whose plan is checked again once it holds its locks.
 */
export async function makePlan(sources: PlanSources, intent: IntentInput, fresh?: StandsOn, checking?: string): Promise<Plan> {
  const parsed = Intent.parse(intent);
  // The view first: its reads of libvirt start before this process looks up the rest.
  const viewRead = sources.view(fresh);
  viewRead.catch(() => undefined);
  const facts = worldFacts(sources, parsed, checking);
  // Handled here too: whichever fails first must not leave the other's rejection unheard.
  facts.catch(() => undefined);
  const view = await viewRead;
  const draft = PlanDraftSchema.parse(planDraft(parsed, await worldOf(sources, view, parsed, facts)));
  return { id: planId(draft, view), ...draft };
}

type PlanHandlers = Pick<Handlers, 'planMake' | 'dropTargets' | 'jobStart' | 'jobCancel' | 'jobsList' | 'trashList' | 'trashRestore'>;

/** How many shown plans a core remembers: a start of an older one plans once more first. */
const REMEMBERED_PLANS = 64;

export function planHandlers(sources: PlanSources): PlanHandlers {
  // Each plan shown, by its id: the id fingerprints the steps and what they stand on, so a
  // start need not plan again to learn them before it takes the job's locks.
  const shownPlans = new Map<string, Plan>();
  const remember = (plan: Plan): Plan => {
    shownPlans.delete(plan.id);
    shownPlans.set(plan.id, plan);
    if (shownPlans.size > REMEMBERED_PLANS) shownPlans.delete(shownPlans.keys().next().value!);
    return plan;
  };
  return {
    planMake: async ({ intent }) => {
      const plan = remember(await makePlan(sources, intent));
      sources.jobs().prepare(plan);
      return plan;
    },
    dropTargets: async ({ image }) => {
      const view = await sources.view();
      const intent: Intent = { kind: 'commit', image, keepMetadata: false };
      return { targets: dropTargets(await worldOf(sources, view, intent, worldFacts(sources, intent), false), image) };
    },
    jobStart: async ({ intent, plan: shown }) => {
      // A plan this core did not show (an older one) is planned on the view first, to learn
      // its steps; the job's own check then reads what it stands on afresh.
      const known = shownPlans.get(shown) ?? (await makePlan(sources, intent));
      if (known.id !== shown) return { started: false, plan: remember(known) };
      // Planned again by the job, on what the plan stands on read anew.
      const replan = (job: string) => makePlan(sources, intent, standsOn(known), job);
      try {
        return { started: true, job: await sources.jobs().start(known, replan) };
      } catch (error) {
        if (error instanceof PlanChanged) return { started: false, plan: remember(error.plan) };
        throw error;
      }
    },
    jobCancel: ({ job }) => sources.jobs().cancel(job),
    jobsList: async () => ({ jobs: await sources.jobs().list() }),
    trashList: async () => ({ entries: await sources.jobs().trash() }),
    trashRestore: async ({ job }) => ({ entries: await sources.jobs().restore(job) }),
  };
}
