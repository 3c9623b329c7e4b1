import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, type Page } from '@playwright/test';

export interface ServedSnaptree {
  /** The URL `snaptree serve` printed, with its token in the fragment. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** The server's own config, data and state (the jobs' journal) folders, created for it and removed afterwards. */
  readonly home: string;
  /** The serve process, to find the processes it started (and only those). */
  readonly pid: number;
}

const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));

/**
 * libvirt's in-process test driver: one fixed domain, no daemon, nothing shared. Tests
 * of the images use it, so that the domains (and their disks) that libvirt tests in the
 * other worker make and remove never enter their forest.
 */
const PRIVATE_LIBVIRT = 'test:///default';

/**
 * Starts the real `snaptree serve` and waits for the URL it prints. Its settings,
 * demo and journal live in a fresh folder (`home`), so that no test sees another's or the user's.
 */
export async function serveSnaptree(env: NodeJS.ProcessEnv = {}, home = mkdtempSync(join(tmpdir(), 'snaptree-e2e-home-'))): Promise<ServedSnaptree & { stop(keepHome?: boolean): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, LIBVIRT_DEFAULT_URI: PRIVATE_LIBVIRT, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
    token: new URLSearchParams(parsed.hash.slice(1)).get('token')!,
    home,
    pid: child.pid!,
    stop: async (keepHome = false) => {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      if (!keepHome) rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh `snaptree serve` for each test: no test sees another's folders. Its default
 * libvirt URI is private unless a spec asks for the real daemon with
 * `test.use({ libvirtUri: 'qemu:///system' })`.
 */
export const test = base.extend<{ snaptree: ServedSnaptree; libvirtUri: string }>({
  libvirtUri: [PRIVATE_LIBVIRT, { option: true }],
  snaptree: [
    async ({ libvirtUri }, use) => {
      const served = await serveSnaptree({ LIBVIRT_DEFAULT_URI: libvirtUri });
      await use(served);
      await served.stop();
    },
    { scope: 'test' },
  ],
});
export { expect } from '@playwright/test';

/** The window's regions, found as a screen reader names them. */
export const drawer = (page: Page) => page.getByRole('contentinfo', { name: 'Jobs' });
export const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
export const graph = (page: Page) => page.getByRole('main', { name: 'Graph' });
/** An image's node in the forest, by the end of its path. */
export const imageNode = (page: Page, name: string) => page.locator(`[data-testid="image-node"][data-path$="/${name}"]`);
