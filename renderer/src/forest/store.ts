import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import type { Forest } from '../../../shared/images/model';
import { api, refetchOn } from '../api/client';
import { inRequestOrder } from '../api/order';

const read = inRequestOrder();

interface ForestState {
  readonly forest: Forest | null;
  readonly error: string | null;
  /** Part of a file name; images that do not match are dimmed. */
  readonly search: string;
  /** Show only images found in this watched folder. */
  readonly folderFilter: string | null;
  load(): Promise<void>;
  setSearch(search: string): void;
  setFolderFilter(folder: string | null): void;
}

export const useForest = create<ForestState>((set) => ({
  forest: null,
  error: null,
  search: '',
  folderFilter: null,
  async load() {
    const newest = read();
    try {
      const forest = await api.call('forestGet', {});
      if (!newest()) return;
      // bench/render.mjs measures from here to the first drawn graph.
      performance.mark('snaptree:forest-received');
      set({ forest, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  setSearch: (search) => set({ search }),
  setFolderFilter: (folderFilter) => set({ folderFilter }),
}));

refetchOn('forestChanged', () => useForest.getState().load(), 100);
