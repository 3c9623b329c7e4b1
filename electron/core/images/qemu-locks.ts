/**
 * Whether a QEMU process has a file open, libvirt's or not: QEMU takes open file
 * description locks on bytes 100 to 299 of every image it opens (its permission and
 * sharing bits), and the kernel lists them in /proc/locks by device and inode. One read
 * of that file answers for every path a plan asks about; a stat per path finds its inode.
 */
import { readFileSync, statSync } from 'node:fs';
import { fsPath } from './fs-path.js';

/** QEMU's lock bytes (block/file-posix.c: QEMU_LOCK_PERM_BASE 100, QEMU_LOCK_SHARED_BASE 200). */
const FIRST = 100;
const LAST = 299;
/** The byte of the write permission (BLK_PERM_WRITE, bit 1 above the base): held by a QEMU that may write the file. */
const WRITE = 101;

/** `major:minor:inode` of each file with a QEMU lock (`writing`: one on the write byte): the device numbers in hex, as /proc/locks prints them. */
function lockedInodes(writing: boolean): Set<string> {
  const keys = new Set<string>();
  let text: string;
  try {
    text = readFileSync('/proc/locks', 'utf8');
  } catch {
    return keys;
  }
  for (const line of text.split('\n')) {
    // `1: OFDLCK ADVISORY  READ -1 fe:00:2236387 203 203`; a blocked waiter's line starts `1: ->`.
    const fields = line.trim().split(/\s+/);
    if (fields[1] !== 'OFDLCK') continue;
    const [device, start, end] = [fields[5], Number(fields[6]), fields[7] === 'EOF' ? Infinity : Number(fields[7])];
    if (device === undefined) continue;
    if (writing ? start <= WRITE && end >= WRITE : start >= FIRST && start <= LAST) keys.add(device);
  }
  return keys;
}

/** st_dev as glibc splits it into major and minor. */
function inodeKey(path: string): string | null {
  try {
    const stat = statSync(fsPath(path), { bigint: true });
    const major = ((stat.dev >> 8n) & 0xfffn) | ((stat.dev >> 32n) & ~0xfffn);
    const minor = (stat.dev & 0xffn) | ((stat.dev >> 12n) & ~0xffn);
    return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${stat.ino}`;
  } catch {
    return null;
  }
}

/**
 * A probe for one World: /proc/locks read at the first question, each path stat'ed when
 * asked. `ours`: files Snaptree's own jobs hold, whose qemu-img holds their QEMU locks now;
 * a plan on one of them is not refused for that, it waits for the job (and is checked again then).
 * `writing`: only a QEMU that holds the write permission counts (one that reads it, as
 * another guest's backing file, leaves it as it is).
 */
export function qemuLockProbe(ours: readonly string[] = [], { writing = false }: { writing?: boolean } = {}): (path: string) => boolean {
  let locked: Set<string> | null = null;
  return (path) => {
    if (locked === null) {
      locked = lockedInodes(writing);
      for (const held of ours) {
        const key = inodeKey(held);
        if (key !== null) locked.delete(key);
      }
    }
    if (locked.size === 0) return false;
    const key = inodeKey(path);
    return key !== null && locked.has(key);
  };
}
