// Builds main, preload, CLI and renderer when they are missing or older than the
// sources. npm runs no install scripts here (.npmrc: Electron's own postinstall
// downloads its runtime and fails offline), so `npm install` does not build; the first
// `snaptree` or `npm start` does, and so does the first one after the sources change.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['out/main/cli.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const sources = ['electron', 'shared', 'renderer', 'package.json', 'electron.vite.config.ts'];

function newestChange(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

function isCurrent() {
  const built = outputs.map((file) => statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return Math.min(...built) >= Math.max(...sources.map((source) => newestChange(join(root, source))));
}

export function buildOnce() {
  if (isCurrent()) return;
  process.stderr.write('Building Snaptree (a few seconds)…\n');
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    process.stderr.write('snaptree: the build failed; run `npm run build` to see why.\n');
    process.exit(1);
  }
}
