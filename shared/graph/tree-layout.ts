/**
 * Lays out a forest of trees left to right: each root in the first column, each child
 * one column further, one row per leaf and each parent centred on its children. Both
 * the disk forest and the snapshot tree are trees (one backing file, one parent
 * snapshot), so a linear pass places them: measured, a general layered layout (dagre)
 * took 3.9 s for 5,000 images; this takes milliseconds.
 */

export interface TreeItem {
  readonly id: string;
  /** The parent's id, or null for a root. A parent that is not an item makes a root too. */
  readonly parent: string | null;
}

export interface Placed {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

export interface TreeSpacing {
  readonly column: number;
  readonly row: number;
  /** Extra space between two trees, so that each reads as its own family. */
  readonly treeGap: number;
}

/**
 * Places every item. Roots keep the order given; `depthOffset` shifts a root right
 * (the disk forest draws a missing backing file in the first column).
 */
export function layoutTrees(items: readonly TreeItem[], spacing: TreeSpacing, depthOffset: (root: TreeItem) => number = () => 0): Placed[] {
  const ids = new Set(items.map((item) => item.id));
  const children = new Map<string, TreeItem[]>();
  const roots: TreeItem[] = [];
  for (const item of items) {
    if (item.parent === null || !ids.has(item.parent) || item.parent === item.id) roots.push(item);
    else {
      const list = children.get(item.parent) ?? [];
      list.push(item);
      children.set(item.parent, list);
    }
  }

  const placed: Placed[] = [];
  const rowOf = new Map<string, number>();
  const seen = new Set<string>();
  let nextRow = 0;
  let trees = 0;
  for (const root of roots) {
    if (seen.has(root.id)) continue;
    const offset = trees++ * spacing.treeGap;
    // Iterative post-order, so that a chain thousands deep cannot overflow the stack.
    const stack: Array<{ item: TreeItem; depth: number; expanded: boolean }> = [{ item: root, depth: depthOffset(root), expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const kids = children.get(top.item.id) ?? [];
      if (!top.expanded) {
        top.expanded = true;
        seen.add(top.item.id);
        for (let i = kids.length - 1; i >= 0; i--) {
          if (!seen.has(kids[i]!.id)) stack.push({ item: kids[i]!, depth: top.depth + 1, expanded: false });
        }
        continue;
      }
      stack.pop();
      const rows = kids.map((kid) => rowOf.get(kid.id)).filter((row) => row !== undefined);
      const row = rows.length === 0 ? nextRow++ : (rows[0]! + rows[rows.length - 1]!) / 2;
      rowOf.set(top.item.id, row);
      placed.push({ id: top.item.id, x: top.depth * spacing.column, y: row * spacing.row + offset });
    }
  }
  return placed;
}
