import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EventName, EventPayload, RequestName, RequestArg, RequestResult } from '../../shared/contract.js';
import { errorMessage } from '../../shared/format.js';
import { say } from '../../shared/messages/problems.js';
import { uriRefusal } from '../../shared/libvirt/uri.js';
import type { Host } from './host/host.js';
import { createDemoWorkspace } from './images/demo.js';
import { namedAgentAnswers } from './libvirt/agent.js';
import { createJobs, type Jobs } from './jobs/jobs.js';
import { screenshotPng } from './libvirt/screenshot.js';
import { defaultDataDir, defaultJournalDir, planHandlers } from './plans.js';
import { Refusal } from './refusal.js';
import { defaultConfigDir, SettingsFile, type Settings } from './settings.js';
import { sharedToolsCheck } from './tools/check.js';
import { Workspace } from './workspace.js';

export type Handlers = { [N in RequestName]: (arg: RequestArg<N>) => Promise<RequestResult<N>> };

export interface CoreOptions {
  readonly mode: 'electron' | 'web' | 'cli';
  /** Where settings live; defaults to the user's config folder. */
  readonly configDir?: string;
  /** Where the demo workspace is made; defaults to the user's data folder. */
  readonly demoDir?: string;
  /** The jobs' journal; defaults to `$XDG_STATE_HOME/snaptree/jobs`. */
  readonly journalDir?: string;
  /** Snaptree's data folder (snapshot screenshots); defaults to `$XDG_DATA_HOME/snaptree`. */
  readonly dataDir?: string;
  /** The window's native folder dialog, when there is one. */
  readonly chooseFolder?: () => Promise<string | null>;
}

/** The core services: one handler per request of the contract, and the events they push. */
export interface Core {
  readonly handlers: Handlers;
  /** Listens to every event; returns the function that stops listening. */
  onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
  /** Cancels the jobs this core runs and waits for their ends (the process is about to stop). */
  cancelJobs(): Promise<void>;
  /** Stops watching folders and libvirt. */
  close(): void;
}

function defaultDemoDir(): string {
  return join(defaultDataDir(), 'demo-workspace');
}

export function createCore(host: Host, options: CoreOptions): Core {
  const bus = new EventEmitter();
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>): void => {
    bus.emit('event', name, payload);
  };
  const settingsFile = new SettingsFile(options.configDir ?? defaultConfigDir());
  const workspace = new Workspace(host, {
    forestChanged: (scannedAt) => emit('forestChanged', { scannedAt }),
    inventoryChanged: () => emit('inventoryChanged', {}),
  });

  // Made on first use: reading the journal (and showing interrupted jobs) waits until a
  // front end asks for jobs, a plan or the trash.
  let jobs: Jobs | null = null;
  const theJobs = (): Jobs =>
    (jobs ??= createJobs(host, {
      journalDir: options.journalDir ?? defaultJournalDir(),
      jobChanged: (job) => emit('jobChanged', { job: job.id, state: job.state, progress: job.progress }),
      jobGone: (id) => emit('jobChanged', { job: id, state: 'gone', progress: null }),
      trashChanged: () => emit('trashChanged', {}),
      // Folder watches and libvirt events follow too, but a job knows it changed something now.
      changedWorld: () => void workspace.rescan(),
      followOthers: true,
    }));

  // Read afresh every time, never cached: the window, serve and the CLI share the file,
  // and a list cached here would write over what another of them saved meanwhile.
  async function loadSettings(): Promise<Settings> {
    return (await settingsFile.read()).settings;
  }

  // Said on stderr as the core starts, whichever front end runs it; the window asks settingsCheck.
  void settingsFile.read().then(
    ({ problems }) => problems.forEach((problem) => process.stderr.write(`snaptree: ${problem.message}\n`)),
    (error: unknown) => process.stderr.write(`snaptree: the settings could not be read: ${errorMessage(error)}\n`),
  );

  // Changes to the settings read, change and write them: one at a time, or two windows
  // of this process adding a folder at once would each write a list without the other's.
  let settingsQueue: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(change: () => Promise<T>): Promise<T> {
    const next = settingsQueue.then(change, change);
    settingsQueue = next.catch(() => undefined);
    return next;
  }

  async function connectionUris(): Promise<string[]> {
    const defaultUri = await host.defaultLibvirtUri();
    // A URI saved before it would have been refused (or written into the file by hand)
    // is not followed either.
    return [defaultUri, ...(await loadSettings()).connections.filter((uri) => uri !== defaultUri && uriRefusal(uri) === null)];
  }

  async function started(): Promise<Workspace> {
    if (workspace.started) return workspace;
    // The settings read and handed to the workspace in one turn of the settings queue: a
    // folder or connection added meanwhile would be written over by the lists read before
    // it. The first scan is waited for outside the queue (wrapped, not awaited in it).
    const starting = await oneAtATime(async () => ({ scanned: workspace.start((await loadSettings()).watchedFolders, await connectionUris()) }));
    await starting.scanned;
    return workspace;
  }

  async function setFolders(folders: string[]): Promise<{ folders: string[] }> {
    await settingsFile.update({ watchedFolders: folders });
    emit('foldersChanged', { folders });
    void workspace.setFolders(folders);
    return { folders };
  }

  async function addFolder(path: string): Promise<{ folders: string[] }> {
    const folder = resolve(path);
    const stats = await stat(folder).catch(() => null);
    if (stats === null) throw new Refusal(say('request.refused.folderMissing', { folder }));
    if (!stats.isDirectory()) throw new Refusal(say('request.refused.folderIsFile', { folder }));
    const current = (await loadSettings()).watchedFolders;
    return current.includes(folder) ? { folders: current } : setFolders([...current, folder]);
  }

  async function setConnections(uris: string[]): Promise<{ uris: string[] }> {
    await settingsFile.update({ connections: uris });
    workspace.setConnections(await connectionUris());
    emit('inventoryChanged', {});
    return { uris: await connectionUris() };
  }

  const dataDir = options.dataDir ?? defaultDataDir();
  const handlers: Handlers = {
    ...planHandlers({
      host,
      view: async (fresh) => (fresh ? (await started()).freshFor(fresh.files, fresh.domains) : (await started()).view()),
      jobs: theJobs,
      dataDir,
    }),
    appInfo: async () => ({ mode: options.mode, canChooseFolder: options.chooseFolder !== undefined }),
    toolsCheck: sharedToolsCheck(host, (report) => emit('toolsChecked', report)),
    settingsCheck: async () => ({ problems: (await settingsFile.read()).problems }),
    foldersList: async () => ({ folders: (await loadSettings()).watchedFolders }),
    foldersAdd: ({ path }) => oneAtATime(() => addFolder(path)),
    foldersRemove: ({ path }) => oneAtATime(async () => setFolders((await loadSettings()).watchedFolders.filter((folder) => folder !== path))),
    folderChoose: async () => {
      if (!options.chooseFolder) throw new Refusal(say('request.refused.noFolderDialog'));
      return { path: await options.chooseFolder() };
    },
    forestGet: async () => (await started()).scannedForest(),
    inventoryGet: async () => ({ connections: (await (await started()).view()).connections }),
    connectionsAdd: ({ uri }) =>
      oneAtATime(async () => {
        const current = (await loadSettings()).connections;
        return current.includes(uri) ? { uris: await connectionUris() } : setConnections([...current, uri]);
      }),
    connectionsRemove: ({ uri }) => oneAtATime(async () => setConnections((await loadSettings()).connections.filter((known) => known !== uri))),
    languageGet: async () => ({ language: (await loadSettings()).language ?? null }),
    languageSet: ({ language }) =>
      oneAtATime(async () => {
        await settingsFile.update({ language });
        return { language };
      }),
    agentCheck: async ({ uri, domain }) => ({ answers: await namedAgentAnswers(host, await host.findProgram('virsh'), await (await started()).view(), uri, domain) }),
    screenshotGet: async ({ uuid, snapshot }) => ({ png: await screenshotPng(dataDir, uuid, snapshot) }),
    // One at a time: two clicks at once must not both find the folder missing and write
    // the same images.
    demoCreate: () =>
      oneAtATime(async () => {
        const folder = options.demoDir ?? defaultDemoDir();
        const qemuImg = await host.findProgram('qemu-img');
        if (qemuImg === null) throw new Refusal(say('request.refused.demoNeedsQemuImg', { package: 'qemu-utils' }));
        const existing = await stat(folder).catch(() => null);
        // A demo made before is watched again as it is, never overwritten.
        if (existing === null) {
          const { problem } = await createDemoWorkspace(host, qemuImg, folder, { dataDir });
          // The demo's images are made: it goes on; the front end's log says why it has no domain.
          if (problem !== null) process.stderr.write(`snaptree: ${problem.message}\n`);
        }
        await addFolder(folder);
        return { folder };
      }),
  };

  return {
    handlers,
    onEvent(listener) {
      bus.on('event', listener);
      return () => bus.off('event', listener);
    },
    cancelJobs: async () => jobs?.cancelAll(),
    close: () => {
      jobs?.close();
      workspace.close();
    },
  };
}
