import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { resolveBackingPath } from '../../../shared/images/backing.js';
import type { Problem } from '../../../shared/images/model.js';
import { decodePathBytes } from '../../../shared/images/path-bytes.js';
import { vmdkExtentNames } from '../../../shared/images/vmdk.js';
import { say } from '../../../shared/messages/problems.js';
import { fsPath } from './fs-path.js';
import { fileKind, osReason } from './read.js';

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
    return [{ code: 'unreadable', ...say('image.unreadable.failed', { reason: osReason(error) }) }];
  }
  const problems: Problem[] = [];
  for (const name of vmdkExtentNames(descriptor)) {
    const extent = resolveBackingPath(path, name);
    const said = { name, path: extent };
    try {
      const stats = statSync(fsPath(extent), { throwIfNoEntry: false });
      const kind = stats === undefined ? null : fileKind(stats);
      if (stats === undefined) problems.push({ code: 'bad-extent', ...say('image.badExtent.gone', said) });
      else if (kind !== null) problems.push({ code: 'bad-extent', ...say('image.badExtent.notAFile', { ...said, kind }) });
    } catch (error) {
      problems.push({ code: 'bad-extent', ...say('image.badExtent.unreachable', { ...said, reason: osReason(error) }) });
    }
  }
  return problems;
}
