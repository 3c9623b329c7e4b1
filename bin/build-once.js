// Builds main, preload, CLI and renderer the first time they are needed. npm runs no
// install scripts here (.npmrc: Electron's own postinstall downloads its runtime and
// fails offline), so `npm install` does not build; the first `snaptree` or `npm start` does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['out/main/cli.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

export function buildOnce() {
  if (outputs.every((file) => existsSync(new URL(`../${file}`, import.meta.url)))) return;
  process.stderr.write('Building Snaptree once (a few seconds)…\n');
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('../node_modules/electron-vite/bin/electron-vite.js', import.meta.url)), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    process.stderr.write('snaptree: the build failed; run `npm run build` to see why.\n');
    process.exit(1);
  }
}
