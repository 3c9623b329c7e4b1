/**
 * A domain's snapshot tree laid out top to bottom, as `virsh snapshot-list --tree` prints
 * it: roots at the top, children below, siblings side by side, and NOW hanging from the
 * current snapshot. A long line of snapshots then reads down a column a person scrolls.
 */
import { layoutTrees, type Placed } from '../graph/tree-layout.js';
import type { Snapshot } from './model.js';

export const SNAPSHOT_WIDTH = 220;
/** Room for a name on two lines, time and state on two (English wraps "running or paused"), and a row of badges. */
export const SNAPSHOT_HEIGHT = 96;
/** The tree layout's columns become rows here: one generation per row. */
const SPACING = { column: SNAPSHOT_HEIGHT + 36, row: SNAPSHOT_WIDTH + 24, treeGap: 24 };

/** The node for the domain's present state. */
export const NOW_ID = 'now';
export const snapshotId = (name: string): string => `snapshot:${name}`;

export interface SnapshotLayout {
  readonly placed: Placed[];
  readonly links: Array<{ readonly from: string; readonly to: string }>;
}

export function layoutSnapshots(snapshots: readonly Snapshot[]): SnapshotLayout {
  // Oldest first, so that siblings read in the order they were taken.
  const ordered = [...snapshots].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  const current = ordered.find((snapshot) => snapshot.current) ?? null;
  const items = [
    ...ordered.map((snapshot) => ({ id: snapshotId(snapshot.name), parent: snapshot.parent === null ? null : snapshotId(snapshot.parent) })),
    { id: NOW_ID, parent: current === null ? null : snapshotId(current.name) },
  ];
  const links = items.filter((item) => item.parent !== null).map((item) => ({ from: item.parent!, to: item.id }));
  const placed = layoutTrees(items, SPACING).map(({ id, x, y }) => ({ id, x: y, y: x }));
  return { placed, links };
}
