import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import { api } from '../api/client';

interface FoldersState {
  readonly folders: string[] | null;
  readonly canChooseFolder: boolean;
  /** The last refusal, in the core's words (a folder that is not there). */
  readonly error: string | null;
  load(): Promise<void>;
  add(path: string): Promise<boolean>;
  choose(): Promise<void>;
  remove(path: string): Promise<void>;
  createDemo(): Promise<void>;
  readonly creatingDemo: boolean;
}

export const useFolders = create<FoldersState>((set, get) => ({
  folders: null,
  canChooseFolder: false,
  error: null,
  creatingDemo: false,
  async load() {
    const [{ folders }, info] = await Promise.all([api.call('foldersList', {}), api.call('appInfo', {})]);
    set({ folders, canChooseFolder: info.canChooseFolder });
  },
  async add(path) {
    try {
      set({ folders: (await api.call('foldersAdd', { path: path.trim() })).folders, error: null });
      return true;
    } catch (error) {
      set({ error: errorMessage(error) });
      return false;
    }
  },
  async choose() {
    const { path } = await api.call('folderChoose', {});
    if (path !== null) await get().add(path);
  },
  async remove(path) {
    try {
      set({ folders: (await api.call('foldersRemove', { path })).folders, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async createDemo() {
    set({ creatingDemo: true, error: null });
    try {
      await api.call('demoCreate', {});
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ creatingDemo: false });
    }
  },
}));

api.on('foldersChanged', ({ folders }) => useFolders.setState({ folders }));
