/**
 * How QEMU finds a backing file from the name in an overlay's header (reference §1.6):
 * an absolute name as it is; a relative one joined to the directory of the path the
 * overlay was opened by, without normalising and without resolving symlinks.
 */

/** QEMU's path_has_protocol: a ':' before any '/' means `nbd:…`, `json:{…}` and the like. */
export function hasProtocol(name: string): boolean {
  const first = /[:/]/.exec(name);
  return first !== null && first[0] === ':';
}

/** QEMU's path_combine for local files: `/srv/vm/sub/top.qcow2` + `../base.qcow2` → `/srv/vm/sub/../base.qcow2`. */
export function resolveBackingPath(overlayPath: string, name: string): string {
  if (name.startsWith('/') || hasProtocol(name)) return name;
  const slash = overlayPath.lastIndexOf('/');
  return slash < 0 ? name : overlayPath.slice(0, slash + 1) + name;
}
