/**
 * A libvirt snapshot whose state a merge folded away, kept at the user's wish: its record
 * stays, marked in its own description, so that libvirt's users see it too (virsh,
 * virt-manager) and Snaptree calls it stale and never reverts to it. The mark goes in by
 * `virsh snapshot-create --redefine` of the snapshot's own XML, which changes no file.
 */

/** The words at the start of a marked snapshot's description. */
export const FOLDED_MARK = '[Snaptree: its state was folded away by a merge; reverting to it would not bring it back]';

export function isMarkedFolded(description: string | null): boolean {
  return description?.startsWith(FOLDED_MARK) === true;
}

/**
 * The snapshot's XML (`snapshot-dumpxml`) with the mark at the start of its description. The
 * snapshot's own `<description>` comes before the `<domain>` it saved, which may have one
 * of its own: only the part before `<domain` is looked at.
 */
export function markFolded(xml: string): string {
  const domainAt = xml.search(/<domain[\s>]/);
  const head = domainAt < 0 ? xml : xml.slice(0, domainAt);
  const tail = domainAt < 0 ? '' : xml.slice(domainAt);
  if (/<description>/.test(head)) {
    if (head.includes(`<description>${FOLDED_MARK}`)) return xml;
    return head.replace('<description>', `<description>${FOLDED_MARK} `) + tail;
  }
  if (/<description\/>/.test(head)) return head.replace('<description/>', `<description>${FOLDED_MARK}</description>`) + tail;
  return head.replace(/<\/name>/, `</name>\n  <description>${FOLDED_MARK}</description>`) + tail;
}
