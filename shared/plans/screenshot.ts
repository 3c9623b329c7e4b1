/**
 * Where a snapshot's picture of the screen is kept: `<dataDir>/screenshots/<uuid>/<name>.ppm`,
 * by domain UUID (a name can be redefined) and snapshot name. The planner writes it there
 * (`virsh screenshot`) and the core serves it from there, so both ask this one function.
 */
export function screenshotPath(dataDir: string, uuid: string, snapshotName: string): string {
  return `${dataDir}/screenshots/${fileKey(uuid)}/${fileKey(snapshotName)}.ppm`;
}

/**
 * A name as one file name, one to one: ASCII letters, digits, `-` and `_` stay, every
 * other byte of its UTF-8 is `%XX`, so `a b` and `a_b` never share a picture and a `/` or
 * a leading `.` cannot leave the folder. (A lone surrogate, never in a libvirt name,
 * is encoded as U+FFFD.)
 */
function fileKey(name: string): string {
  let key = '';
  for (const byte of new TextEncoder().encode(name)) {
    const char = String.fromCharCode(byte);
    key += /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return key;
}
