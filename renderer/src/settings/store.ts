import { create } from 'zustand';
import type { Sentence } from '../../../shared/contract';
import { api, refetchOn } from '../api/client';

interface SettingsState {
  /** What the settings file held that could not be read, and what was set aside, as the core said it. */
  readonly problems: Sentence[];
  load(): Promise<void>;
}

export const useSettings = create<SettingsState>((set) => ({
  problems: [],
  async load() {
    set({ problems: (await api.call('settingsCheck', {})).problems });
  },
}));

// A save can set a file aside (entries it could not read): asked again after each change
// of the settings: folders here, connections and the language where the window makes them
// (not on every libvirt event, which would read the file again for each).
refetchOn('foldersChanged', () => useSettings.getState().load(), 200);
