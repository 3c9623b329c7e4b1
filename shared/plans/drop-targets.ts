/**
 * While an image is dragged, every image of the chains through it says whether a drop
 * there is allowed, and why not: an image below it is a commit of the dragged one into it;
 * an overlay above it is a pull, that overlay taking the data of the layers between and
 * backing onto the dragged image (onto nothing, flattened, when the dragged image is a
 * base). The answers are the planners' own (each candidate planned, its first blocker the
 * reason), and the candidates come from those chains alone, so that a drag over a
 * 10,000-image forest plans a handful of merges, not the forest.
 */
import { dependentsOf, imageAt } from './dependents.js';
import type { DropTarget } from './drop-target.js';
import type { Intent } from './intent.js';
import { plan } from './planners.js';
import type { World } from './world.js';

/** The files below the image as far as the scanned headers lead, nearest first. */
function below(world: World, path: string): string[] {
  const found: string[] = [];
  for (let at = imageAt(world, path)?.backing?.image ?? null; at !== null && at !== path && !found.includes(at); at = imageAt(world, at)?.backing?.image ?? null) found.push(at);
  return found;
}

/** Every image whose chain runs through the image, nearest first. */
function above(world: World, path: string): string[] {
  const found: string[] = [];
  const seen = new Set([path]);
  for (let next = [path]; next.length > 0; ) {
    next = next.flatMap((at) => dependentsOf(world, at).overlays.map((overlay) => overlay.path)).filter((overlay) => !seen.has(overlay));
    for (const overlay of next) seen.add(overlay);
    found.push(...next);
  }
  return found;
}

/**
 * Space is not weighed here: the plan made on the drop says whether the merge fits, from
 * qemu-img's maps of the chains (merge-bytes.ts), which a drag's answer does not wait for.
 */
function target(world: World, path: string, gesture: DropTarget['gesture'], intent: Intent): DropTarget {
  const [first] = plan(intent, world).blockers.filter((blocker) => blocker.code !== 'no-space');
  return first === undefined ? { path, gesture, allowed: true, intent } : { path, gesture, allowed: false, reason: { key: first.key, values: first.values, message: first.message }, intent };
}

/**
 * The world narrowed to the images the dragged one is linked to by backing files, down to
 * its chain's base and up from there: everything a merge among them reads, writes or must
 * leave as it was. Planned on it, each candidate costs its family's size, not the forest's.
 */
function family(world: World, image: string): World {
  const root = below(world, image).at(-1) ?? image;
  const members = new Set([root, ...above(world, root)]);
  return { ...world, forest: { ...world.forest, images: world.forest.images.filter((candidate) => members.has(candidate.path)) } };
}

export function dropTargets(whole: World, image: string): DropTarget[] {
  const world = family(whole, image);
  const base = imageAt(world, image)?.backing === null;
  return [
    ...below(world, image).map((into) => target(world, into, 'commit', { kind: 'commit', image, into, keepMetadata: false })),
    ...above(world, image).map((overlay) => target(world, overlay, 'pull', base ? { kind: 'pull', image: overlay, keepMetadata: false } : { kind: 'pull', image: overlay, base: image, keepMetadata: false })),
  ];
}
