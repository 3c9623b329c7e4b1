// Builds main, preload, CLI and renderer when they are missing or older than the
// sources. npm runs no install scripts here (.npmrc: Electron's own postinstall
// downloads its runtime and fails offline), so `npm install` does not build; the first
// `snaptree` or `npm start` does, and so does the first one after the sources change.
//
// Several `snaptree` processes may start at once (parallel test workers do), so the
// build runs under a lock: the directory out/.building, which mkdir creates atomically.
// The others wait for it to go and then look again; a lock whose builder died is taken
// over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['out/main/cli.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const sources = ['electron', 'shared', 'renderer', 'package.json', 'electron.vite.config.ts'];
// Tests and their data are not built into out/: editing them must not trigger a build.
const notBuilt = /\.(test|spec)\.tsx?$|\.test-support\.tsx?$|^(e2e|fixtures)$/;
const lock = join(root, 'out/.building');
const LOCK_STALE_MS = 2 * 60 * 1000;

// Files only: a directory's own mtime also moves when a test file is added to it. A
// removed or renamed source changes the files that imported it, so it is still seen.
function newestChange(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  const names = readdirSync(path).filter((name) => !notBuilt.test(name));
  return Math.max(0, ...names.map((name) => newestChange(join(path, name))));
}

function isCurrent() {
  const built = outputs.map((file) => statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return Math.min(...built) >= Math.max(...sources.map((source) => newestChange(join(root, source))));
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * True when the lock's builder has exited; a lock without a pid (its builder died right
 * after mkdir) only once it is old. A live builder keeps its lock however long it takes.
 */
function lockIsStale() {
  const stats = statSync(lock, { throwIfNoEntry: false });
  if (!stats) return false;
  let pid;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return Date.now() - stats.mtimeMs > LOCK_STALE_MS;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/** Takes the lock, or returns false when another process holds it. */
function tryLock() {
  mkdirSync(join(root, 'out'), { recursive: true });
  try {
    mkdirSync(lock);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    if (!lockIsStale()) return false;
    // Rename first: of several waiters that saw it stale, only one moves it away.
    const dead = `${lock}.stale-${process.pid}`;
    try {
      renameSync(lock, dead);
    } catch {
      return false;
    }
    rmSync(dead, { recursive: true, force: true });
    return tryLock();
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

function build() {
  process.stderr.write('Building Snaptree (a few seconds)…\n');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return result.status === 0;
}

export function buildOnce() {
  if (!existsSync(lock) && isCurrent()) return;
  while (!tryLock()) sleep(100);
  let built;
  try {
    // Another process may have built while this one waited for the lock.
    built = isCurrent() || build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!built) {
    process.stderr.write('snaptree: the build failed; run `npm run build` to see why.\n');
    process.exit(1);
  }
}
