import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import type { ToolsReport } from '../../../shared/tools/report';
import { api } from '../api/client';

interface ToolsState {
  readonly report: ToolsReport | null;
  readonly checking: boolean;
  /** Why the check itself could not run (the core unreachable, not a missing tool). */
  readonly error: string | null;
  check(): Promise<void>;
}

export const useTools = create<ToolsState>((set) => ({
  report: null,
  checking: false,
  error: null,
  async check() {
    set({ checking: true, error: null });
    try {
      set({ report: await api.call('toolsCheck', {}), checking: false });
    } catch (error) {
      set({ error: errorMessage(error), checking: false });
    }
  },
}));

// A check asked for elsewhere (another window, the CLI's core) updates this one too.
api.on('toolsChecked', (report) => useTools.setState({ report }));
