/**
 * Lays the disk forest out as trees, base on the left and overlays to its right, one
 * row per leaf and each image centred on its overlays. Every image has one backing
 * file at most, so the forest is a set of trees and a linear pass places them all:
 * measured, a general layered layout (dagre) took 3.9 s for 5,000 images; this takes
 * milliseconds.
 */
import type { Image } from './model.js';
import { forestTree } from './tree.js';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 84;
const COLUMN = NODE_WIDTH + 48;
const ROW = NODE_HEIGHT + 14;
/** Space between two trees, so that each base reads as its own family. */
const TREE_GAP = 28;

export interface Placed {
  /** The image's path, or `missing:` + the path of a backing file that is not there. */
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

export interface ForestLayout {
  readonly placed: Placed[];
  /** Backing → overlay links to draw, by id. */
  readonly links: Array<{ readonly from: string; readonly to: string }>;
}

export const missingId = (path: string): string => `missing:${path}`;

export function layoutForest(images: readonly Image[]): ForestLayout {
  const { roots, overlays } = forestTree(images);
  const placed: Placed[] = [];
  const links: ForestLayout['links'] = [];
  const rowOf = new Map<string, number>();
  const seen = new Set<string>();
  let nextRow = 0;
  let trees = 0;

  for (const root of roots) {
    if (seen.has(root.path)) continue;
    const missing = root.backing !== null && !root.backing.exists;
    const offset = trees++ * TREE_GAP;
    // Iterative post-order, so that a chain thousands deep cannot overflow the stack.
    const stack: Array<{ image: Image; depth: number; expanded: boolean }> = [{ image: root, depth: missing ? 1 : 0, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = overlays.get(top.image.path) ?? [];
      if (!top.expanded) {
        top.expanded = true;
        seen.add(top.image.path);
        for (let i = children.length - 1; i >= 0; i--) {
          if (!seen.has(children[i]!.path)) stack.push({ image: children[i]!, depth: top.depth + 1, expanded: false });
        }
        continue;
      }
      stack.pop();
      const rows = children.map((child) => rowOf.get(child.path)).filter((row) => row !== undefined);
      const row = rows.length === 0 ? nextRow++ : (rows[0]! + rows[rows.length - 1]!) / 2;
      rowOf.set(top.image.path, row);
      placed.push({ id: top.image.path, x: top.depth * COLUMN, y: row * ROW + offset });
    }
    if (missing) {
      const id = missingId(root.backing!.path);
      if (!seen.has(id)) placed.push({ id, x: 0, y: rowOf.get(root.path)! * ROW + offset });
      seen.add(id);
      links.push({ from: id, to: root.path });
    }
  }
  for (const image of images) {
    if (image.backing?.image) links.push({ from: image.backing.image, to: image.path });
  }
  return { placed, links };
}
