/**
 * Where a snapshot's screenshot is kept: `<dataDir>/screenshots/<uuid>/<name>.ppm`. The
 * snapshot planner names this file in its `virsh screenshot --file` step, and the core
 * reads it back for the window. By domain UUID, which survives a rename; by snapshot
 * name, which is unique within a domain.
 *
 * virsh writes whatever the hypervisor sends: PPM from older QEMU, PNG from QEMU 7.1
 * with libvirt 9.0 ("Screenshot saved to …, with type of image/png"). The reader looks
 * at the file's first bytes, never at its name.
 */

/** Room for a suffix (`.ppm`, `.png.<random>.tmp`) under the 255-byte limit of file names. */
const MAX_NAME_BYTES = 200;

/** FNV-1a over the name's UTF-8, twice with different seeds: 16 hex digits, no I/O and no node: module (shared code). */
function nameHash(name: string): string {
  const bytes = new TextEncoder().encode(name);
  return [0x811c9dc5, 0x01000193]
    .map((seed) => {
      let hash = seed;
      for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
      return (hash >>> 0).toString(16).padStart(8, '0');
    })
    .join('');
}

/**
 * Any snapshot name as one safe file name: percent-encoded (no `/`, no NUL, ASCII only),
 * a leading dot encoded too (no hidden file, no `.` or `..`). A name too long to encode
 * in full keeps its start and gets a hash of the whole name, so two long names sharing a
 * start stay apart.
 */
export function screenshotFileStem(snapshot: string): string {
  const hash = nameHash(snapshot);
  let encoded: string[];
  try {
    encoded = [...snapshot].map((char) => encodeURIComponent(char));
  } catch {
    // A lone UTF-16 surrogate (no libvirt name has one, but an intent might) has no encoding.
    return `~${hash}`;
  }
  // An empty name would leave `.ppm`, a hidden file.
  if (encoded.length === 0) return `~${hash}`;
  if (encoded[0] === '.') encoded[0] = '%2E';
  if (encoded.join('').length <= MAX_NAME_BYTES) return encoded.join('');
  // Whole characters only, so the start stays readable.
  let start = '';
  for (const piece of encoded) {
    if (start.length + piece.length > MAX_NAME_BYTES - 17) break;
    start += piece;
  }
  return `${start}~${hash}`;
}

/** A domain's screenshots: the snapshot step names it for the runner to make (virsh makes no folder). */
export function screenshotDir(dataDir: string, uuid: string): string {
  return `${dataDir}/screenshots/${uuid}`;
}

export function screenshotPath(dataDir: string, uuid: string, snapshot: string): string {
  return `${screenshotDir(dataDir, uuid)}/${screenshotFileStem(snapshot)}.ppm`;
}
