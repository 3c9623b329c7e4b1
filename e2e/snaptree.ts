import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';

export interface ServedSnaptree {
  /** The URL `snaptree serve` printed, with its token. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
}

const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));

/** Starts the real `snaptree serve` and waits for the URL it prints. */
export async function serveSnaptree(env: NodeJS.ProcessEnv = {}): Promise<ServedSnaptree & { stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Snaptree is serving at (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`snaptree serve exited with ${code}: ${out}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One `snaptree serve` per worker, shared by its tests. */
export const test = base.extend<object, { snaptree: ServedSnaptree }>({
  snaptree: [
    // Playwright reads the fixtures a function needs from its first parameter's pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const served = await serveSnaptree();
      await use(served);
      await served.stop();
    },
    { scope: 'worker' },
  ],
});
export { expect } from '@playwright/test';
