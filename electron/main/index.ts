/**
 * Electron main: one hardened window and the generic IPC bridge to the core.
 * Everything else lives in core/ and runs the same under `snaptree serve`.
 */
import { app, BrowserWindow, dialog, ipcMain, session, type WebFrameMain } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore } from '../core/core.js';
import { dispatch } from '../core/dispatch.js';
import { LocalHost } from '../core/host/local.js';
import { IPC_EVENT, IPC_REQUEST } from './channels.js';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

/** Only our own page may talk to the core; a frame that navigated elsewhere may not. */
function isTrustedSender(frame: WebFrameMain | null): boolean {
  return frame !== null && frame.url.split('#')[0] === rendererUrl;
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Snaptree',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  void window.loadFile(rendererIndex);
  return window;
}

app.whenReady().then(() => {
  // The window needs no camera, notifications or any other permission: refuse them all.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const core = createCore(new LocalHost(), {
    mode: 'electron',
    chooseFolder: async () => {
      const window = BrowserWindow.getFocusedWindow();
      const options = { title: 'Watch a folder of disk images', properties: ['openDirectory' as const] };
      const choice = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return choice.canceled ? null : (choice.filePaths[0] ?? null);
    },
  });
  ipcMain.handle(IPC_REQUEST, (event, name: unknown, arg: unknown) => {
    if (!isTrustedSender(event.senderFrame)) {
      return { ok: false, error: { kind: 'internal', message: 'Request from an unknown page refused' } };
    }
    return dispatch(core, name, arg);
  });
  core.onEvent((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENT, name, payload);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
