import { create } from 'zustand';

/** What the inspector shows. Later issues add images, domains and snapshots. */
export type Selection = { kind: 'host' } | null;

interface SelectionState {
  readonly selection: Selection;
  select(selection: Selection): void;
}

// The host is selected at start so a new user first sees whether the tools are there.
export const useSelection = create<SelectionState>((set) => ({
  selection: { kind: 'host' },
  select: (selection) => set({ selection }),
}));
