import { parseDominfo, parseDomainDisks, parseNameList, parseSnapshotXml, parseStateReason, parseUuidList } from '../../../shared/libvirt/parse.js';
import type { Connection, Domain, Snapshot } from '../../../shared/libvirt/model.js';
import { canRevertExternalSnapshots, parseDaemonVersion, virshErrorText } from '../../../shared/tools/versions.js';
import { HostCommandError, type Host } from '../host/host.js';
import { runVirshBatch } from './batch.js';
import { SnapshotCache } from './snapshot-cache.js';

function unreachable(uri: string, error: string): Connection {
  return { uri, reachable: false, error, libvirtVersion: null, hypervisorVersion: null, externalSnapshotRevert: null, domains: [] };
}

/**
 * Everything libvirt knows at one URI, in three virsh processes whatever the counts:
 * the daemon and its domains; each domain's facts, XML and snapshot names; each
 * snapshot's XML. Domains are addressed by UUID, which survives reverts and renames.
 */
export async function inventoryConnection(host: Host, virsh: string, uri: string, cache = new SnapshotCache()): Promise<Connection> {
  let first;
  try {
    first = await runVirshBatch(host, virsh, uri, [['version', '--daemon'], ['capabilities'], ['list', '--all', '--uuid']]);
  } catch (error) {
    return unreachable(uri, error instanceof HostCommandError ? error.message : String(error));
  }
  const [versionText = '', capabilities = '', uuidList = ''] = first.outputs;
  const version = parseDaemonVersion(versionText);
  if (version.daemon === null) return unreachable(uri, virshErrorText(first.stderr) || `virsh -c ${uri} did not answer`);
  const uuids = parseUuidList(uuidList);
  cache.forgetAllBut(uuids);
  return {
    uri,
    reachable: true,
    error: null,
    libvirtVersion: version.daemon,
    hypervisorVersion: version.hypervisorVersion,
    externalSnapshotRevert: canRevertExternalSnapshots(capabilities),
    domains: sortByName(await readDomains(host, virsh, uri, uuids, cache)),
  };
}

/**
 * The same connection with only the named domains read again: what an event about one
 * domain needs. A name that no longer resolves (undefined) drops out; a new one joins.
 */
export async function refreshDomains(host: Host, virsh: string, previous: Connection, names: readonly string[], cache: SnapshotCache): Promise<Connection> {
  const fresh = await readDomains(host, virsh, previous.uri, names, cache);
  const replaced = new Set([...names, ...fresh.map((domain) => domain.uuid)]);
  const kept = previous.domains.filter((domain) => !replaced.has(domain.name) && !replaced.has(domain.uuid));
  return { ...previous, domains: sortByName([...kept, ...fresh]) };
}

function sortByName(domains: Domain[]): Domain[] {
  return domains.sort((a, b) => a.name.localeCompare(b.name));
}

/** Each domain's facts, XML and snapshots (by UUID or name), in two more virsh rounds. */
async function readDomains(host: Host, virsh: string, uri: string, ids: readonly string[], cache: SnapshotCache): Promise<Domain[]> {
  const PER_DOMAIN = 5;
  const second = await runVirshBatch(
    host,
    virsh,
    uri,
    ids.flatMap((id) => [['dominfo', id], ['domstate', id, '--reason'], ['dumpxml', id], ['snapshot-list', id, '--name'], ['snapshot-current', id, '--name']]),
  );
  const domains = ids
    .map((id, index) => {
      const [info = '', state = '', xml = '', names = '', current = ''] = second.outputs.slice(index * PER_DOMAIN, (index + 1) * PER_DOMAIN);
      return { id, info: parseDominfo(info), state: parseStateReason(state), xml, names: parseNameList(names), current: parseNameList(current)[0] ?? null };
    })
    // A domain undefined meanwhile has no dominfo: leave it out. virsh tries a numeric
    // name as an ID first: keep only the domain that was meant.
    .flatMap(({ id, ...domain }) => (domain.info === null || (id !== domain.info.uuid && id !== domain.info.name) ? [] : [{ ...domain, info: domain.info, uuid: domain.info.uuid }]));

  // Only snapshots not read before: a refresh after one new snapshot reads one.
  cache.retain(domains);
  const unread = domains.flatMap((domain) => domain.names.filter((name) => cache.get(domain.uuid, name) === undefined).map((name) => ({ domain, name })));
  const third = unread.length > 0 ? await runVirshBatch(host, virsh, uri, unread.map(({ domain, name }) => ['snapshot-dumpxml', domain.uuid, name])) : { outputs: [], stderr: '' };
  unread.forEach(({ domain, name }, index) => {
    const parsed = parseSnapshotXml(third.outputs[index] ?? '');
    // Deleted between the listing and now: nothing to keep.
    if (parsed !== null && parsed.name === name) cache.set(domain.uuid, domain.info.name, parsed);
  });

  return domains.map((domain): Domain => {
    const snapshots: Snapshot[] = [];
    for (const name of domain.names) {
      const parsed = cache.get(domain.uuid, name);
      if (parsed !== undefined) snapshots.push({ ...parsed, name, current: name === domain.current, stateFiles: [], problems: [] });
    }
    return {
      name: domain.info.name,
      uuid: domain.uuid,
      state: domain.state?.state ?? domain.info.state,
      stateReason: domain.state?.reason ?? null,
      persistent: domain.info.persistent,
      disks: domain.xml ? parseDomainDisks(domain.xml) : [],
      snapshots,
      problems: [],
    };
  });
}
