import type { Connection } from './model.js';

/**
 * Whether a connection's domains run on this machine, so that their disk paths name
 * files here: a URI without a host (`qemu:///system`, `qemu+unix:///session`) or with
 * this machine's loopback name. A domain on `qemu+ssh://kvm1/system` has
 * `/var/lib/libvirt/images/vm.qcow2` on kvm1; a file of that name here is another file.
 */
export function disksAreLocal(uri: string): boolean {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri)?.[1];
  if (authority === undefined) return false;
  const host = authority.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  return host === '' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** The active layers of every domain whose disks are files on this machine: what the scanner reads besides the folders. */
export function localDomainDisks(connections: readonly Connection[]): string[] {
  return connections
    .filter((connection) => disksAreLocal(connection.uri))
    .flatMap((connection) => connection.domains.flatMap((domain) => domain.disks.flatMap((disk) => disk.activePath ?? [])));
}
