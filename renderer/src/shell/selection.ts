import { create } from 'zustand';

/** What the inspector shows. */
export type Selection =
  | { kind: 'host' }
  | { kind: 'image'; path: string }
  /** A backing file that an overlay names but that is not there. */
  | { kind: 'missing'; path: string }
  | null;

interface SelectionState {
  readonly selection: Selection;
  select(selection: Selection): void;
}

// The host is selected at start so a new user first sees whether the tools are there.
export const useSelection = create<SelectionState>((set) => ({
  selection: { kind: 'host' },
  select: (selection) => set({ selection }),
}));
