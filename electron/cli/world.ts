/**
 * The CLI's own view of the world for the planners: the folders of the images an intent
 * names (and whatever their chains reach) and the domains of one libvirt connection, read
 * as `snaptree scan --connect` reads them; and the jobs, journaled where the window's are,
 * so that the window lists what the CLI ran.
 */
import { dirname } from 'node:path';
import type { Forest } from '../../shared/images/model.js';
import { linkInventory, type Linked } from '../../shared/libvirt/link.js';
import type { Connection } from '../../shared/libvirt/model.js';
import { disksAreLocal, localDomainFiles } from '../../shared/libvirt/uri.js';
import type { IntentInput } from '../../shared/plans/intent.js';
import type { Host } from '../core/host/host.js';
import { scanPaths } from '../core/images/scan.js';
import type { Jobs } from '../core/jobs/jobs.js';
import { canonicalPaths } from '../core/libvirt/canonical.js';
import { inventoryConnection } from '../core/libvirt/inventory.js';
import { defaultDataDir, type PlanSources } from '../core/plans.js';

/** The images an intent names: their folders are scanned. */
function imagesOf(intent: IntentInput): string[] {
  switch (intent.kind) {
    case 'image-snapshot':
    case 'image-revert':
    case 'image-snapshot-delete':
    case 'overlay':
    case 'convert':
    case 'check':
      return [intent.image];
    case 'commit':
      return [intent.image, ...(intent.into === undefined ? [] : [intent.into])];
    case 'pull':
      return [intent.image, ...(intent.base === undefined ? [] : [intent.base])];
    default:
      return [];
  }
}

/**
 * A revert, a clone or a delete of a snapshot finds each disk's state below the overlay the
 * snapshot made, through the image headers, and a delete or a merge must see every image that
 * stands on the files it folds, not only the running chains (another branch after a revert is
 * in none): the folders of every domain's disks and snapshot files are read whole.
 */
function snapshotFiles(intent: IntentInput, connections: readonly Connection[]): string[] {
  if (intent.kind !== 'revert' && intent.kind !== 'clone' && intent.kind !== 'delete' && intent.kind !== 'commit' && intent.kind !== 'pull') return [];
  const files = connections
    .filter((connection) => disksAreLocal(connection.uri))
    .flatMap((connection) => connection.domains)
    .flatMap((domain) => [...domain.disks.flatMap((disk) => disk.chain), ...domain.snapshots.flatMap((snapshot) => [...snapshot.disks.flatMap((disk) => disk.file ?? []), ...(snapshot.memoryFile === null ? [] : [snapshot.memoryFile])])]);
  return files;
}

/**
 * A merge writes into the layers below the image it names, or moves them to the trash, and
 * another image that builds on one of them lies beside it as often as beside the image (a
 * template's folder, holding other guests' overlays): the folders of those layers are read
 * whole too, so that rule 1 sees what it can. What lies in no folder read stays unknown.
 */
function chainFolders(intent: IntentInput, forest: Forest): string[] {
  if (intent.kind !== 'commit' && intent.kind !== 'pull') return [];
  const byPath = new Map(forest.images.map((image) => [image.path, image]));
  const folders: string[] = [];
  const seen = new Set<string>();
  for (let layer = byPath.get(intent.image); layer !== undefined && !seen.has(layer.path); layer = layer.backing?.image ? byPath.get(layer.backing.image) : undefined) {
    seen.add(layer.path);
    folders.push(dirname(layer.path));
  }
  return folders;
}

export interface CliWorldOptions {
  readonly uri: string;
  readonly intent: IntentInput;
  readonly jobs: () => Jobs;
  /** A folder that could not be read, a connection that did not answer: said, not fatal (the planner blocks what it cannot know). */
  readonly warn: (message: string) => void;
}

export function cliPlanSources(host: Host, options: CliWorldOptions): PlanSources {
  let said = false;
  async function read(): Promise<Linked> {
    // Emptying the trash touches no image and no domain.
    const virsh = options.intent.kind === 'trash-empty' ? null : await host.findProgram('virsh');
    const connections = virsh === null ? [] : [await inventoryConnection(host, virsh, options.uri)];
    const folders = [...new Set([...imagesOf(options.intent), ...snapshotFiles(options.intent, connections)].map((image) => dirname(image)))];
    let forest = await scanPaths(host, folders, localDomainFiles(connections));
    const below = chainFolders(options.intent, forest).filter((folder) => !folders.includes(folder));
    if (below.length > 0) forest = await scanPaths(host, [...folders, ...new Set(below)], localDomainFiles(connections));
    // Read again before a start: said once.
    if (!said) {
      for (const error of forest.errors) options.warn(`${error.path}: ${error.message}`);
      for (const connection of connections) if (!connection.reachable) options.warn(`${connection.uri}: ${connection.error ?? 'no answer'}`);
      said = true;
    }
    return linkInventory(forest.images, connections, canonicalPaths());
  }
  let last: Promise<Linked> | null = null;
  return {
    host,
    // One process, one intent: a start reads everything it scanned again.
    view: (fresh) => (fresh !== undefined || last === null ? (last = read()) : last),
    jobs: options.jobs,
    dataDir: defaultDataDir(),
  };
}

/**
 * `overlay IMAGE NEW --clone NAME` clones the domain whose disk IMAGE is: found in the view,
 * or why not (no domain uses it; several do, and the words cannot say which).
 */
export function cloneSource(view: Linked, image: string): { domain: string } | { reason: string } {
  const users = new Set(view.images.filter((candidate) => candidate.path === image).flatMap((candidate) => candidate.usedBy.map((use) => use.domain)));
  const [only, ...others] = [...users];
  if (only === undefined) return { reason: `no domain at this connection uses ${image} as a disk: --clone clones the domain whose disk it is` };
  if (others.length > 0) return { reason: `${image} is a disk of several domains (${[only, ...others].join(', ')}): --clone cannot tell which to clone` };
  return { domain: only };
}
