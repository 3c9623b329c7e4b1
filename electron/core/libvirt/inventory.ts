import { parseDominfo, parseDomainDisks, parseNameList, parseSnapshotXml, parseStateReason, parseUuidList } from '../../../shared/libvirt/parse.js';
import type { Connection, Domain, Snapshot } from '../../../shared/libvirt/model.js';
import { canRevertExternalSnapshots, parseDaemonVersion, virshErrorText } from '../../../shared/tools/versions.js';
import { HostCommandError, type Host } from '../host/host.js';
import { runVirshBatch } from './batch.js';

/** The snapshot's own fields, without the two domain definitions and the cookie it also stores. */
const SNAPSHOT_FIELDS = '/domainsnapshot/*[not(self::domain or self::inactiveDomain or self::cookie)]';

function unreachable(uri: string, error: string): Connection {
  return { uri, reachable: false, error, libvirtVersion: null, hypervisorVersion: null, externalSnapshotRevert: null, domains: [] };
}

/**
 * Everything libvirt knows at one URI, in three virsh processes whatever the counts:
 * the daemon and its domains; each domain's facts, XML and snapshot names; each
 * snapshot's XML. Domains are addressed by UUID, which survives reverts and renames.
 */
export async function inventoryConnection(host: Host, virsh: string, uri: string): Promise<Connection> {
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

  const snapshotCommands = domains.flatMap((domain) => domain.names.map((name) => ['snapshot-dumpxml', domain.uuid, name, '--xpath', SNAPSHOT_FIELDS, '--wrap']));
  const third = snapshotCommands.length > 0 ? await runVirshBatch(host, virsh, uri, snapshotCommands) : { outputs: [], stderr: '' };

  let next = 0;
  const result: Domain[] = [];
  for (const domain of domains) {
    const snapshots: Snapshot[] = [];
    for (const name of domain.names) {
      const parsed = parseSnapshotXml(third.outputs[next++] ?? '');
      if (parsed === null) continue; // deleted between the listing and now
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
