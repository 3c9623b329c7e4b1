import type { Image } from './model.js';

export interface ForestTree {
  /** Images drawn first: bases, images whose backing is missing, and images on a loop. */
  readonly roots: Image[];
  /** Overlays of each image, by the image's path. */
  readonly overlays: ReadonlyMap<string, Image[]>;
}

/** The forest as trees: each image's overlays under it. Loops are cut where they start. */
export function forestTree(images: readonly Image[]): ForestTree {
  const overlays = new Map<string, Image[]>();
  const roots: Image[] = [];
  for (const image of images) {
    const parent = image.backing?.image ?? null;
    const onLoop = image.problems.some((problem) => problem.code === 'backing-loop');
    if (parent === null || onLoop) roots.push(image);
    if (parent !== null && !onLoop) {
      const list = overlays.get(parent) ?? [];
      list.push(image);
      overlays.set(parent, list);
    }
  }
  return { roots, overlays };
}
