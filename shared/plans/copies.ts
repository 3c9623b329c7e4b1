/**
 * What a plan of an intent copies whole with `qemu-img convert`: each chain (top first) and
 * the internal snapshot it is read at. The core measures these (`qemu-img measure`) before
 * it plans, for the bytes the plan says it writes; the planners themselves do no I/O.
 */
import type { Image } from '../images/model.js';
import { clonedCarriers } from './clone-snapshot.js';
import type { Intent } from './intent.js';
import { chainBlockers, chainOf, sourceImage, UNREADABLE } from './source.js';
import type { World } from './world.js';

export interface Copied {
  readonly chain: readonly [Image, ...Image[]];
  readonly snapshot?: string;
}

export function copiedChains(intent: Intent, world: World): Copied[] {
  const copies = (): Copied[] => {
    if (intent.kind === 'clone') return clonedCarriers(intent, world).map((carrier) => ({ chain: chainOf(world, carrier), snapshot: intent.snapshot }));
    if (intent.kind !== 'convert') return [];
    const { image, blockers } = sourceImage(world, intent.image, UNREADABLE);
    return image === null || blockers.length > 0 ? [] : [{ chain: chainOf(world, image) }];
  };
  // Rule 3: a chain qemu-img would open by a guessed format is not read, not even to be measured.
  return copies().filter(({ chain }) => chainBlockers(chain[0].path, chain).length === 0);
}
