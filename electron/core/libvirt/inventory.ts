import { errorMessage } from '../../../shared/format.js';
import type { Said } from '../../../shared/messages/problems.js';
import { parseDomainXml, parseNameList, parseSnapshotXml, parseStateReason, parseUuidList } from '../../../shared/libvirt/parse.js';
import type { Connection, Domain, Snapshot } from '../../../shared/libvirt/model.js';
import { daemonFacts, silentDaemon } from '../../../shared/tools/versions.js';
import { qemuRuns } from '../../../shared/plans/dependents.js';
import { parseBlockJob } from '../../../shared/virsh/blockjob.js';
import type { Host } from '../host/host.js';
import { runVirshBatch } from './batch.js';
import type { VirshSession } from './session.js';
import { SnapshotCache } from './snapshot-cache.js';
import { LastParsed } from './last-parsed.js';
import { readSnapshotFiles, snapshotMetadataRoot } from './snapshot-files.js';

export interface InventoryOptions {
  /** Snapshots already read, kept between reads of the same connection. */
  readonly cache?: SnapshotCache;
  /** libvirt's own state folder, to read snapshot metadata from; null: ask virsh for all. */
  readonly metadataRoot?: string | null;
  /** A virsh shell kept open on the connection: a refresh of a few domains asks it instead of starting virsh. */
  readonly session?: VirshSession;
  /** Domain XML as last read and parsed, kept between reads of the same connection. */
  readonly domainXml?: DomainXmlParsed;
}

export type DomainXmlParsed = LastParsed<ReturnType<typeof parseDomainXml>>;
/** The domain XML read of a connection, parsed again only where it changed. */
export const domainXmlParsed = (): DomainXmlParsed => new LastParsed(parseDomainXml);

interface Reader {
  /** Each command's stdout, in order; empty for a command that failed. */
  readonly batch: (commands: ReadonlyArray<readonly string[]>) => Promise<string[]>;
  readonly cache: SnapshotCache;
  readonly domainXml: DomainXmlParsed;
  readonly metadataRoot: string | null;
}

function reader(host: Host, virsh: string, uri: string, options: InventoryOptions): Reader {
  const { session } = options;
  return {
    batch: session ? (commands) => session.run(commands) : async (commands) => (await runVirshBatch(host, virsh, uri, commands, { connected: true })).outputs,
    cache: options.cache ?? new SnapshotCache(),
    domainXml: options.domainXml ?? domainXmlParsed(),
    metadataRoot: options.metadataRoot === undefined ? snapshotMetadataRoot(uri) : options.metadataRoot,
  };
}

/** A connection that does not answer, with libvirt's reason; null while it was never asked. */
export function unreachable(uri: string, error: string | Said | null): Connection {
  return { ...silentDaemon(uri, error), domains: [] };
}

/**
 * Everything libvirt knows at one URI, in three rounds of batched virsh processes
 * whatever the counts: the daemon and its domains; each domain's state, XML and
 * snapshot names; each snapshot's XML (from libvirt's metadata files where they can be
 * read, without a round). Domains are addressed by UUID, which survives reverts and
 * renames. A command that fails midway (a timeout) makes the connection unreachable,
 * with the reason.
 */
export async function inventoryConnection(host: Host, virsh: string, uri: string, options: InventoryOptions = {}): Promise<Connection> {
  const read = reader(host, virsh, uri, options);
  let first;
  try {
    first = await runVirshBatch(host, virsh, uri, [['version', '--daemon'], ['capabilities'], ['list', '--all', '--uuid']]);
  } catch (error) {
    return unreachable(uri, errorMessage(error));
  }
  const [versionText = '', capabilities = '', uuidList = ''] = first.outputs;
  const daemon = daemonFacts(uri, versionText, capabilities, first.stderr);
  if (!daemon.reachable) return { ...daemon, domains: [] };
  const uuids = parseUuidList(uuidList);
  read.cache.forgetAllBut(uuids);
  let domains: Domain[];
  try {
    domains = await readDomains(read, uuids);
  } catch (error) {
    return unreachable(uri, errorMessage(error));
  }
  return { ...daemon, domains: sortByName(domains) };
}

/**
 * The same connection with only the named domains read again: what an event about one
 * domain needs. A name that no longer resolves (undefined) drops out; a new one joins.
 */
export async function refreshDomains(host: Host, virsh: string, previous: Connection, names: readonly string[], options: InventoryOptions = {}): Promise<Connection> {
  // By name: a domain undefined and defined again under its name has a new UUID. A
  // numeric name by its known UUID too, since virsh reads a number as a domain ID first.
  const known = (name: string) => previous.domains.filter((domain) => domain.name === name).map((domain) => domain.uuid);
  const ids = [...new Set(names.flatMap((name) => (/^\d+$/.test(name) ? [...known(name), name] : [name])))];
  const read = await readDomains(reader(host, virsh, previous.uri, options), ids, previous.domains);
  const fresh = [...new Map(read.map((domain) => [domain.uuid, domain])).values()];
  const replaced = new Set([...ids, ...fresh.map((domain) => domain.uuid)]);
  const kept = previous.domains.filter((domain) => !replaced.has(domain.name) && !replaced.has(domain.uuid));
  const domains = sortByName([...kept, ...fresh]);
  // Read the same as before (a start's re-read, an event that changed nothing shown): the
  // previous connection itself, so that nothing is linked or drawn again for it.
  return readTheSame(fresh, previous.domains, domains.length) ? previous : { ...previous, domains };
}

/** Whether the domains read again are those the connection had, and no more or fewer: only they are compared. */
function readTheSame(fresh: readonly Domain[], before: readonly Domain[], count: number): boolean {
  if (count !== before.length) return false;
  const byUuid = new Map(before.map((domain) => [domain.uuid, domain]));
  return fresh.every((domain) => {
    const old = byUuid.get(domain.uuid);
    return old !== undefined && JSON.stringify(old) === JSON.stringify(domain);
  });
}

function sortByName(domains: Domain[]): Domain[] {
  return domains.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Each domain's state, XML and snapshots (by UUID or name), in two more virsh rounds.
 * No `dominfo`: it makes six calls per domain (a quarter of a second for 50 domains);
 * the XML names the domain and one list says which domains are persistent. `before`: the
 * domains as last read, whose running disks' block jobs are asked in the same round.
 */
async function readDomains(read: Reader, ids: readonly string[], before: readonly Domain[] = []): Promise<Domain[]> {
  const { cache } = read;
  const PER_DOMAIN = 4;
  const guessed = runningDisks(before.filter((domain) => ids.includes(domain.uuid) || ids.includes(domain.name)));
  const second = await read.batch([
    ['list', '--all', '--persistent', '--uuid'],
    // Named options throughout: virsh takes any word starting with `--` as an option,
    // quoted or not, so a positional name like `--x` would break the whole batch.
    ...ids.flatMap((id) => [
      ['domstate', '--domain', id, '--reason'],
      ['dumpxml', '--domain', id],
      ['snapshot-list', '--domain', id, '--name'],
      ['snapshot-current', '--domain', id, '--name'],
    ]),
    ...guessed.map(blockjobCommand),
  ]);
  const early = new Map(guessed.map((asked, index) => [diskKey(asked), second[1 + ids.length * PER_DOMAIN + index] ?? '']));
  const persistent = new Set(parseUuidList(second[0] ?? ''));
  const domains = ids
    .map((id, index) => {
      const [state = '', xml = '', names = '', current = ''] = second.slice(1 + index * PER_DOMAIN, 1 + (index + 1) * PER_DOMAIN);
      return { id, xml: read.domainXml.of(id, xml), state: parseStateReason(state), names: parseNameList(names), current: parseNameList(current)[0] ?? null };
    })
    // A domain undefined meanwhile has no XML: leave it out. virsh tries a numeric
    // name as an ID first: keep only the domain that was meant.
    .flatMap(({ id, xml, ...domain }) => (xml === null || (id !== xml.uuid && id !== xml.name) ? [] : [{ ...domain, ...xml }]));

  // Only snapshots not read before: a refresh after one new snapshot reads one.
  cache.retain(domains);
  let unread = domains.flatMap((domain) => domain.names.filter((name) => cache.get(domain.uuid, name) === undefined).map((name) => ({ domain, name })));
  if (read.metadataRoot !== null && unread.length > 0) {
    const files = readSnapshotFiles(read.metadataRoot, unread.map(({ domain, name }) => ({ domainUuid: domain.uuid, domainName: domain.name, name })));
    unread.forEach(({ domain }, index) => {
      const parsed = files[index];
      if (parsed) cache.set(domain.uuid, domain.name, parsed);
    });
    unread = unread.filter((_, index) => !files[index]);
  }
  const third = unread.length > 0 ? await read.batch(unread.map(({ domain, name }) => ['snapshot-dumpxml', '--domain', domain.uuid, '--snapshotname', name])) : [];
  unread.forEach(({ domain, name }, index) => {
    const parsed = parseSnapshotXml(third[index] ?? '');
    // Deleted between the listing and now: nothing to keep.
    if (parsed !== null && parsed.name === name) cache.set(domain.uuid, domain.name, parsed);
  });

  return withBlockJobs(
    read,
    early,
    domains.map((domain): Domain => {
    const snapshots: Snapshot[] = [];
    for (const name of domain.names) {
      const parsed = cache.get(domain.uuid, name);
      if (parsed !== undefined) snapshots.push({ ...parsed, name, current: name === domain.current, stateFiles: [], otherBranch: false, problems: [] });
    }
    return {
      name: domain.name,
      uuid: domain.uuid,
      state: domain.state?.state ?? 'no state',
      stateReason: domain.state?.reason ?? null,
      display: domain.display,
      persistent: persistent.has(domain.uuid),
      disks: domain.disks,
      snapshots,
      problems: [],
    };
    }),
  );
}

type RunningDisk = { readonly domain: Domain; readonly disk: Domain['disks'][number] };

/** The disks whose block jobs are read: those of a domain whose QEMU runs. */
function runningDisks(domains: readonly Domain[]): RunningDisk[] {
  return domains.flatMap((domain) => (qemuRuns(domain) ? domain.disks.filter((disk) => disk.device === 'disk').map((disk) => ({ domain, disk })) : []));
}

const diskKey = ({ domain, disk }: RunningDisk): string => `${domain.uuid}\0${disk.target}`;
const blockjobCommand = ({ domain, disk }: RunningDisk): string[] => ['blockjob', '--domain', domain.uuid, '--path', disk.target, '--raw'];

/**
 * The block job on each disk of a domain whose QEMU runs, whoever started it (a commit typed
 * in a terminal, a backup tool): a plan on such a domain is blocked before libvirt refuses
 * it partway (shared/plans/block-jobs.ts). `early`: the answers read with the domains, for
 * the disks that ran when last read (a job's re-read before its start: no round of its own);
 * the rest in one more round, only where a QEMU runs.
 */
async function withBlockJobs(read: Reader, early: ReadonlyMap<string, string>, domains: Domain[]): Promise<Domain[]> {
  const asked = runningDisks(domains);
  const late = asked.filter((each) => !early.has(diskKey(each)));
  const outputs = late.length === 0 ? [] : await read.batch(late.map(blockjobCommand));
  const answers = new Map([...early, ...late.map((each, index) => [diskKey(each), outputs[index] ?? ''] as const)]);
  for (const each of asked) {
    const blockJob = parseBlockJob(answers.get(diskKey(each)) ?? '');
    if (blockJob !== null) each.domain.disks = each.domain.disks.map((disk) => (disk === each.disk ? { ...disk, blockJob } : disk));
  }
  return domains;
}
