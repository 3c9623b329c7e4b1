/**
 * How QEMU finds a backing file from the name in an overlay's header (reference §1.6):
 * an absolute name as it is; a relative one joined to the directory of the path the
 * overlay was opened by, without normalising and without resolving symlinks.
 */

import { qemuJson } from './qemu-json.js';

/** QEMU's path_has_protocol: a ':' before any '/'. */
function pathHasProtocol(name: string): boolean {
  const first = /[:/]/.exec(name);
  return first !== null && first[0] === ':';
}

/** The `filename` a `json:` backing opens through the file driver, in its nested or dotted form. */
function jsonFileName(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null) return undefined;
  const object = spec as Record<string, unknown>;
  const file = object['file'];
  if (typeof file === 'object' && file !== null) {
    const inner = file as Record<string, unknown>;
    return inner['driver'] === undefined || inner['driver'] === 'file' ? inner['filename'] : undefined;
  }
  return object['file.driver'] === undefined || object['file.driver'] === 'file' ? object['file.filename'] : undefined;
}

/**
 * The local file a protocol backing name opens, where it names one outright:
 * `file:/srv/base.qcow2`, or `json:{"file":{"driver":"file","filename":"/srv/base.qcow2"}}`.
 * Its overlay needs that file like any other backing file. Relative names there QEMU
 * opens from its own working directory, which no scan can know: null, as for `nbd:`.
 */
function localFileOf(name: string): string | null {
  let path: unknown;
  if (name.startsWith('file:')) path = name.slice('file:'.length);
  else if (name.startsWith('json:')) path = jsonFileName(qemuJson(name.slice('json:'.length)));
  return typeof path === 'string' && path.startsWith('/') ? path : null;
}

/**
 * The protocols qemu-img 7.2 opens (its block drivers' protocol names, Debian's build, each
 * tried as `NAME:/x`; vvfat's is `fat`), and its `json:` pseudo-protocol. Any other prefix before a ':' fails
 * to open ("Unknown protocol 'base-12'"): a relative name such as `base-12:30.qcow2` too.
 */
const QEMU_PROTOCOLS = new Set(['json', 'file', 'host_device', 'host_cdrom', 'nbd', 'nbd+tcp', 'nbd+unix', 'http', 'https', 'ftp', 'ftps', 'ssh', 'iscsi', 'iser', 'rbd', 'gluster', 'gluster+tcp', 'gluster+unix', 'gluster+rdma', 'nfs', 'nvme', 'null-co', 'null-aio', 'blkdebug', 'blkverify', 'fat']);

/** A `json:` backing name whose JSON QEMU's parser refuses: the image cannot be opened. */
export function jsonRefused(name: string): boolean {
  return name.startsWith('json:') && qemuJson(name.slice('json:'.length)) === undefined;
}

/** The protocol QEMU reads at the start of a backing name that has one, when it is none QEMU knows. */
export function unknownProtocol(name: string): string | null {
  if (!pathHasProtocol(name)) return null;
  const protocol = name.slice(0, name.indexOf(':'));
  return QEMU_PROTOCOLS.has(protocol) ? null : protocol;
}

/** A name QEMU opens through a protocol other than a local file (`nbd:…`, most `json:{…}`). */
export function hasProtocol(name: string): boolean {
  return pathHasProtocol(name) && localFileOf(name) === null;
}

/** QEMU's path_combine for local files: `/srv/vm/sub/top.qcow2` + `../base.qcow2` → `/srv/vm/sub/../base.qcow2`. */
export function resolveBackingPath(overlayPath: string, name: string): string {
  if (pathHasProtocol(name)) return localFileOf(name) ?? name;
  if (name.startsWith('/')) return name;
  const slash = overlayPath.lastIndexOf('/');
  return slash < 0 ? name : overlayPath.slice(0, slash + 1) + name;
}
