import type { Image } from '../../shared/images/model.js';
import { linkInventory } from '../../shared/libvirt/link.js';
import type { Connection } from '../../shared/libvirt/model.js';
import type { Host } from '../core/host/host.js';
import { canonicalPaths } from '../core/libvirt/canonical.js';
import { inventoryConnection } from '../core/libvirt/inventory.js';

/** Reads each URI's domains and snapshots; a URI that fails is reported, not fatal. */
export async function inventory(host: Host, uris: readonly string[]): Promise<Connection[]> {
  const virsh = await host.findProgram('virsh');
  if (virsh === null) throw new Error('virsh is not installed: install the package libvirt-clients');
  return Promise.all(uris.map((uri) => inventoryConnection(host, virsh, uri)));
}

/** The forest and the domains linked, as `scan --connect --json` prints them (docs/cli.md). */
export function link(images: readonly Image[], connections: readonly Connection[]) {
  const linked = linkInventory(images, connections, canonicalPaths());
  return {
    images: linked.images,
    connections: linked.connections,
    domains: linked.connections.flatMap((connection) =>
      connection.domains.map((domain) => ({
        connection: connection.uri,
        ...domain,
        // The disk XML is for the window's inspector; scripts have `virsh dumpxml`.
        disks: domain.disks.map(({ xml: _xml, ...disk }) => disk),
      })),
    ),
  };
}
