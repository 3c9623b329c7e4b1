/** The disk forest laid out: base images on the left, their overlays to the right. */
import { layoutTrees, type Placed } from '../graph/tree-layout.js';
import type { Image } from './model.js';

export type { Placed } from '../graph/tree-layout.js';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 84;
const SPACING = { column: NODE_WIDTH + 48, row: NODE_HEIGHT + 14, treeGap: 28 };

export interface ForestLayout {
  readonly placed: Placed[];
  /** Backing → overlay links to draw, by id. */
  readonly links: Array<{ readonly from: string; readonly to: string }>;
}

/** The id of the node standing for a backing file that is not there. */
export const missingId = (path: string): string => `missing:${path}`;

export function layoutForest(images: readonly Image[]): ForestLayout {
  const onLoop = (image: Image): boolean => image.problems.some((problem) => problem.code === 'backing-loop');
  const missing = new Set<string>();
  const items = [];
  for (const image of images) {
    // Loops are cut where they start: each image on one is a root of its own.
    if (image.backing !== null && !image.backing.exists && !missing.has(image.backing.path)) {
      missing.add(image.backing.path);
      items.push({ id: missingId(image.backing.path), parent: null });
    }
    const parent = onLoop(image) ? null : image.backing === null ? null : image.backing.exists ? image.backing.image : missingId(image.backing.path);
    items.push({ id: image.path, parent });
  }
  const links: ForestLayout['links'] = [];
  for (const image of images) {
    if (image.backing?.image) links.push({ from: image.backing.image, to: image.path });
    else if (image.backing && !image.backing.exists) links.push({ from: missingId(image.backing.path), to: image.path });
  }
  return { placed: layoutTrees(items, SPACING), links };
}
