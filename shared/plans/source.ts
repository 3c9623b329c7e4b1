/**
 * The image a plan starts from, found in the forest, or the blockers that say why it
 * cannot be used: nothing there, a file outside the watched folders (its format is not
 * known, and rule 3 forbids guessing), or a header that makes reading or writing it unsafe.
 */
import type { Image, ProblemCode } from '../images/model.js';
import { say } from '../messages/problems.js';
import { imageAt } from './dependents.js';
import { blocker } from './draft.js';
import type { Blocker } from './plan.js';
import type { World } from './world.js';

/** What stops qemu-img from reading the guest's data correctly. */
export const UNREADABLE: readonly ProblemCode[] = ['invalid-header', 'unreadable', 'truncated', 'encrypted', 'missing-data-file', 'unknown-format', 'backing-ambiguous'];
/** What makes writing into an image unsafe: besides the unreadable, an image QEMU marked corrupt. */
export const UNSAFE_TO_WRITE: readonly ProblemCode[] = [...UNREADABLE, 'corrupt'];

export interface Source {
  readonly image: Image | null;
  readonly blockers: readonly Blocker[];
}

export function sourceImage(world: World, path: string, refuse: readonly ProblemCode[], key: 'imageUnsafe' | 'imageUnreadable' = 'imageUnreadable'): Source {
  const image = imageAt(world, path);
  if (image === undefined) {
    if (world.isFolder?.(path) === true && world.exists(path)) return { image: null, blockers: [blocker('image-is-folder', say('plans.blocker.imageIsFolder', { path }))] };
    return { image: null, blockers: [blocker(world.exists(path) ? 'image-not-scanned' : 'image-missing', say(world.exists(path) ? 'plans.blocker.imageNotScanned' : 'plans.blocker.imageMissing', { path }))] };
  }
  const codes = new Set<ProblemCode>(image.problems.map((problem) => problem.code));
  if (image.corrupt) codes.add('corrupt');
  if (image.encrypted) codes.add('encrypted');
  const problem = refuse.find((code) => codes.has(code));
  if (problem !== undefined) return { image, blockers: [blocker(`image-${problem}`, say(`plans.blocker.${key}`, { path, problem }))] };
  if (image.format === 'unknown') return { image, blockers: [blocker('format-unknown', say('plans.blocker.formatUnknown', { path }))] };
  return { image, blockers: [] };
}

/** The image and the scanned images below it, top first, as far as the headers lead. */
export function chainOf(world: World, image: Image): [Image, ...Image[]] {
  const chain: [Image, ...Image[]] = [image];
  const seen = new Set([image.path]);
  for (let below = image.backing?.image; below && !seen.has(below); below = chain.at(-1)!.backing?.image) {
    const next = imageAt(world, below);
    if (!next) break;
    chain.push(next);
    seen.add(below);
  }
  return chain;
}

/** A layer's header that leaves the format of the layer below it to a guess, or names the wrong one. */
const FORMAT_UNSURE: readonly ProblemCode[] = ['no-backing-format', 'backing-format-mismatch'];

/**
 * What stops qemu-img from opening `path`'s chain (top first) as the guest sees it: a layer
 * whose header leaves the format below it to a guess or names the wrong one (rule 3: a
 * commit would write the data over that file's header, a copy would hold other bytes), or
 * backing files that lead back to a layer above (rule 8).
 */
export function chainBlockers(path: string, chain: readonly Image[]): Blocker[] {
  return chain.flatMap((layer) => {
    if (layer.problems.some((problem) => problem.code === 'backing-loop')) return [blocker('layer-backing-loop', say('plans.blocker.chainLoop', { path, layer: layer.path }), [say('plans.alternative.fixLoop', { layer: layer.path })])];
    const problem = layer.problems.find((candidate) => FORMAT_UNSURE.includes(candidate.code))?.code;
    return problem === undefined ? [] : [blocker(`layer-${problem}`, say('plans.blocker.chainFormat', { path, layer: layer.path, problem }), [say('plans.alternative.recordFormat', { layer: layer.path })])];
  });
}
