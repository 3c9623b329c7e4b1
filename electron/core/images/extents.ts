import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { resolveBackingPath } from '../../../shared/images/backing.js';
import type { Problem } from '../../../shared/images/model.js';
import { decodePathBytes } from '../../../shared/images/path-bytes.js';
import { vmdkExtentNames } from '../../../shared/images/vmdk.js';
import { fsPath } from './fs-path.js';
import { notAnImageFile, osReason } from './read.js';

/** QEMU reads at most this much of a descriptor (vmdk_read_desc). */
const MAX_DESCRIPTOR = (1 << 20) - 1;

function descriptorOf(path: string): string {
  const fd = openSync(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const bytes = Buffer.alloc(MAX_DESCRIPTOR);
    return decodePathBytes(bytes.subarray(0, readSync(fd, bytes, 0, MAX_DESCRIPTOR, 0)));
  } finally {
    closeSync(fd);
  }
}

/**
 * What stands in the way of a vmdk's extent files, checked before qemu-img opens the
 * image: qemu-img opens every extent, and one that is a FIFO holds it until its timeout,
 * at every rescan. Extent names resolve against the descriptor's folder, as QEMU's do.
 */
export function extentProblems(path: string): Problem[] {
  let descriptor: string;
  try {
    descriptor = descriptorOf(path);
  } catch (error) {
    return [{ code: 'unreadable', message: `The file could not be read: ${osReason(error)}.` }];
  }
  const problems: Problem[] = [];
  for (const name of vmdkExtentNames(descriptor)) {
    const extent = resolveBackingPath(path, name);
    const said = `The vmdk extent "${name}" (${extent})`;
    try {
      const stats = statSync(fsPath(extent), { throwIfNoEntry: false });
      const what = stats === undefined ? null : notAnImageFile(stats);
      if (stats === undefined) problems.push({ code: 'bad-extent', message: `${said} does not exist: the image's data is not there.` });
      else if (what !== null) problems.push({ code: 'bad-extent', message: `${said} is ${what}, not a file: the image's data is not there, and qemu-img is not asked about it (it would wait on it).` });
    } catch (error) {
      problems.push({ code: 'bad-extent', message: `${said} cannot be reached: ${osReason(error)}.` });
    }
  }
  return problems;
}
