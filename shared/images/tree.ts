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

/**
 * The images of one watched folder with their whole chains: every backing file below
 * them, wherever it is (outside the folders, or in another watched folder), so that no
 * overlay is drawn without its base.
 */
export function folderWithChains(images: readonly Image[], folder: string): Image[] {
  const byPath = new Map(images.map((image) => [image.path, image]));
  const kept = new Set<string>();
  for (const image of images) {
    if (image.folder !== folder) continue;
    // Bounded by the kept set: a loop of backing files ends where it began.
    for (let at: Image | undefined = image; at !== undefined && !kept.has(at.path); at = at.backing?.image ? byPath.get(at.backing.image) : undefined) {
      kept.add(at.path);
    }
  }
  return images.filter((image) => kept.has(image.path));
}
