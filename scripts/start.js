// `npm start`: opens the Electron window. Where the Electron runtime is missing (its
// download is blocked, or npm ran no install scripts) it says so, tries to fetch it
// once, and otherwise serves the same window to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { buildOnce, root } from '../bin/build-once.js';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    return require('electron'); // the path of the runtime, or a throw when it was never downloaded
  } catch {
    return null;
  }
}

buildOnce();
let binary = electronBinary();
if (binary === null) {
  process.stderr.write('The Electron runtime is not installed yet; fetching it (node node_modules/electron/install.js)…\n');
  const fetch = spawnSync(process.execPath, [require.resolve('electron/install.js')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  binary = electronBinary();
  // The download's own stack trace helps nobody: its first line says why.
  if (binary === null) process.stderr.write(`The download failed: ${fetch.stderr.trim().split('\n')[0] || `exit code ${fetch.status}`}\n`);
}

if (binary === null) {
  process.stderr.write(
    [
      '',
      'Snaptree cannot open its window: the Electron runtime is missing and could not be downloaded.',
      'On a machine with internet access, fetch it with:  node node_modules/electron/install.js',
      'Meanwhile Snaptree runs in your browser instead (web mode, same program):',
      '',
    ].join('\n'),
  );
  const serve = spawn(process.execPath, ['bin/snaptree.js', 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  serve.on('exit', (code) => process.exit(code ?? 0));
} else {
  // As root, Chromium refuses to start without --no-sandbox (the renderer sandbox stays on).
  const args = process.getuid?.() === 0 ? ['--no-sandbox', '.'] : ['.'];
  const window = spawn(binary, args, { cwd: root, stdio: 'inherit' });
  window.on('exit', (code) => process.exit(code ?? 0));
}
