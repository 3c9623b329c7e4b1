/** What a libvirt connection URI says: where its domains' disks are, and whether it is safe to follow. */
import { say, type Said } from '../messages/problems.js';
import type { Connection } from './model.js';

const URI = /^([a-z][a-z0-9.-]*)(?:\+[a-z0-9.-]+)?:\/\/([^/?#]*)(\/[^?#]*)?/i;

/**
 * Whether a connection's domains run on this machine, so that their disk paths name
 * files here: a URI without a host (`qemu:///system`, `qemu+unix:///session`) or with
 * this machine's loopback name. A domain on `qemu+ssh://kvm1/system` has
 * `/var/lib/libvirt/images/vm.qcow2` on kvm1; a file of that name here is another file.
 * libvirt's `test` driver makes its domains up: their disks are nowhere.
 */
export function disksAreLocal(uri: string): boolean {
  const match = URI.exec(uri);
  if (!match || match[1]!.toLowerCase() === 'test') return false;
  const host = match[2]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  return host === '' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * Why Snaptree will not follow a URI, or null. The `ext` transport runs a program the
 * URI names, and `command=` or `netcat=` name one to run here or on the remote host:
 * a URI typed into a form, sent by a page of the web mode or given to `scan --connect`
 * (pasted into a script from anywhere) must not run programs. Every front end asks this
 * one function. `$LIBVIRT_DEFAULT_URI` is not asked: it is the user's own environment,
 * which virsh itself follows, and whoever can set it can set PATH as well.
 */
export function uriRefusal(uri: string): Said | null {
  const match = URI.exec(uri);
  if (!match) return say('libvirt.uriRefused.notAUri');
  if (/^[a-z0-9.-]+\+ext:/i.test(uri)) return say('libvirt.uriRefused.ext');
  // As libvirt reads parameters: split on & and ;, names compared without case.
  const query = uri.slice(uri.indexOf('?') + 1 || uri.length).split('#')[0]!;
  for (const part of query.split(/[&;]/)) {
    const name = safeDecode(part.split('=')[0]!).trim().toLowerCase();
    if (name === 'command' || name === 'netcat') return say('libvirt.uriRefused.program', { parameter: name });
  }
  return null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether these connections can tell that no domain here uses a file: only the system
 * daemon of this machine knows its domains (a user's session daemon knows only the
 * user's own), and only while it answers.
 */
export function knowsEveryLocalDomain(connections: readonly Connection[]): boolean {
  return connections.some((connection) => connection.reachable && disksAreLocal(connection.uri) && URI.exec(connection.uri)?.[3] === '/system');
}

/**
 * The files of local domains that must be in the forest wherever they are: each disk's
 * active layer (its chain follows from the headers), and each external snapshot's overlay,
 * which a revert may have taken out of every running chain (the old branch) and which is
 * where a delete or a revert to it begins.
 */
export function localDomainFiles(connections: readonly Connection[]): string[] {
  return connections
    .filter((connection) => disksAreLocal(connection.uri))
    .flatMap((connection) =>
      connection.domains.flatMap((domain) => [
        ...domain.disks.flatMap((disk) => disk.activePath ?? []),
        ...domain.snapshots.flatMap((snapshot) => snapshot.disks.flatMap((disk) => disk.file ?? [])),
      ]),
    );
}
