import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { resolveBackingPath } from '../../../shared/images/backing.js';
import type { Problem } from '../../../shared/images/model.js';
import { vmdkDescriptorOffset, vmdkExtentNames } from '../../../shared/images/vmdk.js';
import { say } from '../../../shared/messages/problems.js';
import { fsPath } from './fs-path.js';
import { errnoValues, fileKind } from './read.js';

/** QEMU reads at most this much of a descriptor (vmdk_read_desc). */
const MAX_DESCRIPTOR = (1 << 20) - 1;
/** What QEMU's probe reads of a file, and more than a vmdk's header and magic. */
const HEAD = 512;

/**
 * The bytes of the descriptor QEMU reads for a vmdk's extents, or none: a sparse vmdk with
 * a capacity is its own extent (nothing more is read of it, at every rescan). QEMU reads
 * as many bytes as the file is long, at most MAX_DESCRIPTOR, from the descriptor's offset;
 * past the end it finds zeros, which end the descriptor text.
 */
function descriptorOf(path: string): Uint8Array {
  const fd = openSync(fsPath(path), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const head = Buffer.alloc(HEAD);
    readSync(fd, head, 0, HEAD, 0);
    const offset = vmdkDescriptorOffset(head);
    if (offset === null) return new Uint8Array(0);
    const fileSize = fstatSync(fd).size;
    const bytes = Buffer.alloc(Math.max(0, Math.min(fileSize, MAX_DESCRIPTOR, fileSize - offset)));
    return bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, offset));
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
  let descriptor: Uint8Array;
  try {
    descriptor = descriptorOf(path);
  } catch (error) {
    return [{ code: 'unreadable', ...say('image.unreadable.failed', errnoValues(error)) }];
  }
  const problems: Problem[] = [];
  // QEMU opens an extent named twice twice; it has one problem.
  for (const name of new Set(vmdkExtentNames(descriptor))) {
    const extent = resolveBackingPath(path, name);
    const said = { name, path: extent };
    try {
      const stats = statSync(fsPath(extent), { throwIfNoEntry: false });
      const kind = stats === undefined ? null : fileKind(stats);
      if (stats === undefined) problems.push({ code: 'bad-extent', ...say('image.badExtent.gone', said) });
      else if (kind !== null) problems.push({ code: 'bad-extent', ...say('image.badExtent.notAFile', { ...said, kind }) });
    } catch (error) {
      problems.push({ code: 'bad-extent', ...say('image.badExtent.unreachable', { ...said, ...errnoValues(error) }) });
    }
  }
  return problems;
}
