import { create } from 'zustand';

/** What the inspector shows; the graph views highlight what belongs to it. */
export type Selection =
  | { kind: 'host' }
  | { kind: 'image'; path: string }
  /** A backing file that an overlay names but that is not there. */
  | { kind: 'missing'; path: string }
  | { kind: 'domain'; uuid: string }
  | { kind: 'snapshot'; uuid: string; name: string }
  | null;

export type View = 'forest' | 'snapshots';

interface SelectionState {
  readonly selection: Selection;
  /** The domain whose snapshot tree the snapshots view shows, and whose chains the forest marks. */
  readonly domain: string | null;
  readonly view: View;
  select(selection: Selection): void;
  show(view: View): void;
}

// The host is selected at start so a new user first sees whether the tools are there.
export const useSelection = create<SelectionState>((set) => ({
  selection: { kind: 'host' },
  domain: null,
  view: 'forest',
  select: (selection) =>
    set(
      selection?.kind === 'domain'
        ? { selection, domain: selection.uuid, view: 'snapshots' }
        : selection?.kind === 'snapshot'
          ? { selection, domain: selection.uuid }
          : { selection },
    ),
  show: (view) => set({ view }),
}));
