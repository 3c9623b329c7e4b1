import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import type { Job, TrashEntry } from '../../../shared/jobs/model';
import { api, refetchOn } from '../api/client';
import { inRequestOrder } from '../api/order';

const listed = inRequestOrder();
const trashListed = inRequestOrder();

export type DrawerTab = 'jobs' | 'trash';

interface JobsState {
  /** As the core lists them: interrupted first, then running and waiting, then the rest, newest first. */
  readonly jobs: Job[] | null;
  readonly trash: TrashEntry[] | null;
  readonly error: string | null;
  readonly tab: DrawerTab;
  load(): Promise<void>;
  loadTrash(): Promise<void>;
  cancel(job: string): Promise<void>;
  restore(job: string): Promise<void>;
  showTab(tab: DrawerTab): void;
}

export const useJobs = create<JobsState>((set) => ({
  jobs: null,
  trash: null,
  error: null,
  tab: 'jobs',
  async load() {
    const newest = listed();
    try {
      const { jobs } = await api.call('jobsList', {});
      if (newest()) set({ jobs, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async loadTrash() {
    const newest = trashListed();
    try {
      const { entries } = await api.call('trashList', {});
      if (newest()) set({ trash: entries, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async cancel(job) {
    try {
      const cancelled = await api.call('jobCancel', { job });
      set((state) => ({ jobs: state.jobs?.map((candidate) => (candidate.id === job ? cancelled : candidate)) ?? null, error: null }));
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async restore(job) {
    try {
      set({ trash: (await api.call('trashRestore', { job })).entries, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  showTab: (tab) => set({ tab }),
}));

/** A fetch at most every quarter second while events come (progress comes often), and one after the last. */
const REFETCH_MS = 250;
let refetching: ReturnType<typeof setTimeout> | null = null;

// Progress rides in the event: the bar moves at once; the rest (output, steps) comes with the refetch.
api.on('jobChanged', ({ job, state, progress }) => {
  if (state === 'gone') {
    void useJobs.getState().load();
    return;
  }
  useJobs.setState((current) => ({ jobs: current.jobs?.map((candidate) => (candidate.id === job ? { ...candidate, state, progress } : candidate)) ?? null }));
  // An end is fetched at once: its badge must not say done beside steps still running.
  if (state !== 'running' && state !== 'waiting') {
    void useJobs.getState().load();
    return;
  }
  refetching ??= setTimeout(() => {
    refetching = null;
    void useJobs.getState().load();
  }, REFETCH_MS);
});
refetchOn('trashChanged', () => useJobs.getState().loadTrash(), 50);
