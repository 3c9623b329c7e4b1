import { create } from 'zustand';
import type { DropTarget } from '../../../shared/plans/drop-target';
import { api } from '../api/client';

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
