/**
 * What a planner may know: the forest and the libvirt inventory as the core last read
 * them, and a few facts the core looks up for it. Planners do no I/O of their own, so a
 * table test builds a World by hand.
 */
import type { Forest } from '../images/model.js';
import type { Connection } from '../libvirt/model.js';
import type { TrashEntry } from '../jobs/model.js';
import type { MapExtent } from '../qemu-img/map.js';

export interface World {
  readonly forest: Forest;
  readonly connections: readonly Connection[];
  /** Whether anything (file, folder, link, even a dangling one) is at a path: a target is never overwritten. */
  exists(path: string): boolean;
  /** The tools' absolute paths, or null when not installed (a plan that needs one is blocked). */
  readonly tools: { readonly qemuImg: string | null; readonly virsh: string | null };
  /** Snaptree's data folder: snapshot screenshots live under `<dataDir>/screenshots/<uuid>/`. */
  readonly dataDir: string;
  /** What earlier jobs moved to the trash and is still there. */
  readonly trash: readonly TrashEntry[];
  /** UUIDs of running domains whose guest agent answered a ping: `--quiesce` works only there. */
  readonly agents: ReadonlySet<string>;
  /** Bytes free for an unprivileged writer on the file system that holds a path (statfs), or null when unknown: a merge's copy must fit. */
  freeBytes?(path: string): number | null;
  /** What a convert of the chain topped by an image (at its internal snapshot) to qcow2 writes, as `qemu-img measure` said, where the core asked it; left out or null, allocated sizes stand in. */
  convertBytes?(path: string, snapshot?: string): number | null;
  /** Which layer of the chain topped by an image holds each range, as `qemu-img map` said, where the core asked it (a merge's chains); left out or null, allocated sizes stand in. */
  chainMap?(path: string): readonly MapExtent[] | null;
  /** Whether a path is a folder a new file can be made in: false where nothing (or a file) is there; left out, not known. */
  isFolder?(path: string): boolean;
  /** Whether a QEMU process has the file open (it holds QEMU's lock on it), libvirt's or any other; left out, not known. */
  qemuHolds?(path: string): boolean;
  /** Whether a QEMU process has it open to write (its lock on the write permission); left out, not known. */
  qemuWrites?(path: string): boolean;
  /** For default names ("snapshot-2026-12-01-0930"). */
  readonly now: Date;
}
