import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import { api } from '../api/client';
import { inRequestOrder } from '../api/order';

/** Every reply or event that says the list of folders: the newest asked for wins. */
const listed = inRequestOrder();

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
    const newest = listed();
    const [{ folders }, info] = await Promise.all([api.call('foldersList', {}), api.call('appInfo', {})]);
    set(newest() ? { folders, canChooseFolder: info.canChooseFolder } : { canChooseFolder: info.canChooseFolder });
  },
  async add(path) {
    const newest = listed();
    try {
      const { folders } = await api.call('foldersAdd', { path: path.trim() });
      set(newest() ? { folders, error: null } : { error: null });
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
    const newest = listed();
    try {
      const { folders } = await api.call('foldersRemove', { path });
      set(newest() ? { folders, error: null } : { error: null });
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

api.on('foldersChanged', ({ folders }) => listed()() && useFolders.setState({ folders }));
