/**
 * The preload exposes two named functions, invoke and subscribe, and never
 * ipcRenderer itself. Names are checked against the contract here; main validates
 * every argument again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isRequestName, type Api, type Reply } from '../../shared/contract.js';
import { IPC_EVENT, IPC_REQUEST } from '../main/channels.js';

const api: Api = {
  invoke(name, arg) {
    if (!isRequestName(name)) {
      return Promise.resolve({ ok: false, error: { kind: 'unknown-request', message: `There is no request named ${String(name)}` } } as Reply<never>);
    }
    return ipcRenderer.invoke(IPC_REQUEST, name, arg);
  },
  subscribe(name, listener) {
    if (!isEventName(name)) throw new Error(`There is no event named ${String(name)}`);
    // The Electron event object never reaches the page: only the payload does.
    const onEvent = (_event: IpcRendererEvent, eventName: string, payload: unknown): void => {
      if (eventName === name) listener(payload as never);
    };
    ipcRenderer.on(IPC_EVENT, onEvent);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, onEvent);
    };
  },
};

contextBridge.exposeInMainWorld('snaptree', api);
