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
  const PER_DOMAIN = 5;
  const second = await runVirshBatch(
    host,
    virsh,
    uri,
    uuids.flatMap((uuid) => [['dominfo', uuid], ['domstate', uuid, '--reason'], ['dumpxml', uuid], ['snapshot-list', uuid, '--name'], ['snapshot-current', uuid, '--name']]),
  );

  const domains = uuids.map((uuid, index) => {
    const [info = '', state = '', xml = '', names = '', current = ''] = second.outputs.slice(index * PER_DOMAIN, (index + 1) * PER_DOMAIN);
    return { uuid, info: parseDominfo(info), state: parseStateReason(state), xml, names: parseNameList(names), current: parseNameList(current)[0] ?? null };
  });

  // Only snapshots not read before: a refresh after one new snapshot reads one.
  cache.retain(domains);
  const unread = domains.flatMap((domain) => domain.names.filter((name) => cache.get(domain.uuid, name) === undefined).map((name) => ({ domain, name })));
  const third = unread.length > 0 ? await runVirshBatch(host, virsh, uri, unread.map(({ domain, name }) => ['snapshot-dumpxml', domain.uuid, name])) : { outputs: [], stderr: '' };
  unread.forEach(({ domain, name }, index) => {
    const parsed = parseSnapshotXml(third.outputs[index] ?? '');
    // Deleted between the listing and now: nothing to keep.
    if (parsed !== null && parsed.name === name) cache.set(domain.uuid, domain.info?.name ?? domain.uuid, parsed);
  });

  const result: Domain[] = [];
  for (const domain of domains) {
    const snapshots: Snapshot[] = [];
    for (const name of domain.names) {
      const parsed = cache.get(domain.uuid, name);
      if (parsed === undefined) continue;
      snapshots.push({ ...parsed, name, current: name === domain.current, stateFiles: [], problems: [] });
    }
    // A domain undefined between the listing and now has no dominfo: leave it out.
    if (domain.info === null) continue;
    result.push({
      name: domain.info.name,
      uuid: domain.uuid,
      state: domain.state?.state ?? domain.info.state,
      stateReason: domain.state?.reason ?? null,
      persistent: domain.info.persistent,
      disks: domain.xml ? parseDomainDisks(domain.xml) : [],
      snapshots,
      problems: [],
    });
  }
  result.sort((a, b) => a.name.localeCompare(b.name));
  return {
    uri,
    reachable: true,
    error: null,
    libvirtVersion: version.daemon,
    hypervisorVersion: version.hypervisorVersion,
    externalSnapshotRevert: canRevertExternalSnapshots(capabilities),
    domains: result,
  };
}
