/** A domain's snapshot tree laid out: roots on the left, and NOW hanging from the current snapshot. */
import { layoutTrees, type Placed } from '../graph/tree-layout.js';
import type { Snapshot } from './model.js';

export const SNAPSHOT_WIDTH = 220;
export const SNAPSHOT_HEIGHT = 78;
const SPACING = { column: SNAPSHOT_WIDTH + 48, row: SNAPSHOT_HEIGHT + 16, treeGap: 16 };

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
  return { placed: layoutTrees(items, SPACING), links };
}
