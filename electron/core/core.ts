import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventName, EventPayload, RequestName, RequestArg, RequestResult } from '../../shared/contract.js';
import type { Forest } from '../../shared/images/model.js';
import type { Host } from './host/host.js';
import { createDemoWorkspace } from './images/demo.js';
import { scanPaths } from './images/scan.js';
import { FolderWatcher } from './images/watch.js';
import { Refusal } from './refusal.js';
import { defaultConfigDir, SettingsFile } from './settings.js';
import { checkTools } from './tools/check.js';

export type Handlers = { [N in RequestName]: (arg: RequestArg<N>) => Promise<RequestResult<N>> };

export interface CoreOptions {
  readonly mode: 'electron' | 'web' | 'cli';
  /** Where settings live; defaults to the user's config folder. */
  readonly configDir?: string;
  /** Where the demo workspace is made; defaults to the user's data folder. */
  readonly demoDir?: string;
  /** The window's native folder dialog, when there is one. */
  readonly chooseFolder?: () => Promise<string | null>;
}

/** The core services: one handler per request of the contract, and the events they push. */
export interface Core {
  readonly handlers: Handlers;
  /** Listens to every event; returns the function that stops listening. */
  onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
  /** Stops watching folders. */
  close(): void;
}

function defaultDemoDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'snaptree', 'demo-workspace');
}

export function createCore(host: Host, options: CoreOptions): Core {
  const bus = new EventEmitter();
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>): void => {
    bus.emit('event', name, payload);
  };
  const settings = new SettingsFile(options.configDir ?? defaultConfigDir());
  let folders: string[] | null = null;

  // The forest is scanned on first request, then again whenever a watched folder changes.
  // Changes during a scan are coalesced into one more scan when it ends.
  let forest: Promise<Forest> | null = null;
  let scanning = false;
  let changedDuringScan = false;
  const watcher = new FolderWatcher(() => void rescan());

  async function watchedFolders(): Promise<string[]> {
    folders ??= (await settings.load()).watchedFolders;
    return folders;
  }

  function rescan(): Promise<Forest> {
    if (scanning && forest !== null) {
      changedDuringScan = true;
      return forest;
    }
    scanning = true;
    forest = (async () => {
      try {
        let scanned: Forest;
        do {
          changedDuringScan = false;
          scanned = await scanPaths(host, await watchedFolders());
        } while (changedDuringScan);
        emit('forestChanged', { scannedAt: scanned.scannedAt });
        return scanned;
      } finally {
        scanning = false;
      }
    })();
    return forest;
  }

  async function setFolders(next: string[]): Promise<{ folders: string[] }> {
    folders = next;
    await settings.save({ watchedFolders: next });
    emit('foldersChanged', { folders: next });
    if (forest !== null) {
      watcher.watch(next);
      void rescan();
    }
    return { folders: next };
  }

  async function addFolder(path: string): Promise<{ folders: string[] }> {
    const folder = resolve(path);
    const stats = await stat(folder).catch(() => null);
    if (stats === null) throw new Refusal(`${folder} does not exist.`);
    if (!stats.isDirectory()) throw new Refusal(`${folder} is a file, not a folder: watch the folder that holds it.`);
    const current = await watchedFolders();
    return current.includes(folder) ? { folders: current } : setFolders([...current, folder]);
  }

  const handlers: Handlers = {
    appInfo: async () => ({ mode: options.mode, canChooseFolder: options.chooseFolder !== undefined }),
    toolsCheck: async () => {
      const report = await checkTools(host);
      emit('toolsChecked', report);
      return report;
    },
    foldersList: async () => ({ folders: await watchedFolders() }),
    foldersAdd: async ({ path }) => addFolder(path),
    foldersRemove: async ({ path }) => setFolders((await watchedFolders()).filter((folder) => folder !== path)),
    folderChoose: async () => {
      if (!options.chooseFolder) throw new Refusal('There is no folder dialog in the browser: type the folder’s path instead.');
      return { path: await options.chooseFolder() };
    },
    forestGet: async () => {
      if (forest === null) watcher.watch(await watchedFolders());
      return forest ?? rescan();
    },
    demoCreate: async () => {
      const folder = options.demoDir ?? defaultDemoDir();
      const qemuImg = await host.findProgram('qemu-img');
      if (qemuImg === null) throw new Refusal('The demo is made with qemu-img, which is not installed: install the package qemu-utils.');
      const existing = await stat(folder).catch(() => null);
      // A demo made before is watched again as it is, never overwritten.
      if (existing === null) await createDemoWorkspace(host, qemuImg, folder);
      await addFolder(folder);
      return { folder };
    },
  };

  return {
    handlers,
    onEvent(listener) {
      bus.on('event', listener);
      return () => bus.off('event', listener);
    },
    close: () => watcher.close(),
  };
}
