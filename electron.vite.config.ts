import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // execa is over a hundred small modules: loaded one by one they cost a CLI run 0.2 s,
      // bundled a few milliseconds.
      externalizeDeps: { exclude: ['execa'] },
      rollupOptions: {
        // The Electron main process and the node CLI share the core; the CLI never loads Electron.
        input: { index: resolve('electron/main/index.ts'), cli: resolve('electron/cli/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only require('electron'): bundle the rest, as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
