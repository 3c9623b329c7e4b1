import type { TFunction } from 'i18next';
import { create } from 'zustand';
import type { DropTarget } from '../../../shared/plans/drop-target';
import { api } from '../api/client';
import { sentenceOf } from '../i18n/sentence';

interface DragState {
  /** The image being dragged, while a drag lasts. */
  readonly dragged: string | null;
  /** Every image of its chains, by path; others are "not in this chain". */
  readonly targets: ReadonlyMap<string, DropTarget>;
  /** The image the dragged one is over now. */
  readonly over: string | null;
  start(path: string): void;
  hover(path: string | null): void;
  /** The drop: the target under the pointer, if a drop there is allowed. */
  end(): DropTarget | null;
}

export const useDrag = create<DragState>((set, get) => ({
  dragged: null,
  targets: new Map(),
  over: null,
  start(path) {
    set({ dragged: path, targets: new Map(), over: null });
    // Asked once per drag: the core plans each candidate, so what lights up is what would run.
    void api.call('dropTargets', { image: path }).then(
      ({ targets }) => {
        if (get().dragged === path) set({ targets: new Map(targets.map((target) => [target.path, target])) });
      },
      () => undefined,
    );
  },
  hover(path) {
    if (get().over !== path) set({ over: path });
  },
  end() {
    const { over, targets } = get();
    const target = over === null ? undefined : targets.get(over);
    set({ dragged: null, targets: new Map(), over: null });
    return target?.allowed ? target : null;
  },
}));

/** While another image is dragged: whether it may be dropped on this one, the core's target, and whether the pointer is over it. */
export interface DropMark {
  readonly state: 'allowed' | 'refused' | 'outside';
  readonly target: DropTarget | undefined;
  readonly over: boolean;
}

/**
 * The mark of one image, for the node or the chain layer that draws it: each subscribes to
 * its own entry, so that a drag re-renders the images whose mark changes, not the forest.
 */
export function useDropMark(path: string): DropMark | null {
  const dragged = useDrag((state) => state.dragged);
  const target = useDrag((state) => state.targets.get(path));
  const over = useDrag((state) => state.over === path);
  if (dragged === null || dragged === path) return null;
  return { state: target === undefined ? 'outside' : target.allowed ? 'allowed' : 'refused', target, over };
}

/** What a drop on this image of the dragged one's chain would do, or why it may not: `t` of the plans catalogue. */
export function dropReason(t: TFunction, target: DropTarget): string {
  return target.reason ? sentenceOf(t, target.reason) : t(`drag.${target.gesture}`);
}
