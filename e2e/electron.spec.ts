import { createRequire } from 'node:module';
import { _electron as electron } from '@playwright/test';
import { expect, test } from './snaptree';

/** The Electron runtime's path, or null where it was never downloaded (offline machines). */
function electronRuntime(): string | null {
  try {
    return createRequire(import.meta.url)('electron') as string;
  } catch {
    return null;
  }
}

const runtime = electronRuntime();

test('the Electron window opens and shows the Tools panel', async () => {
  const why = 'Electron runtime not installed (its download is blocked here); fetch it with `node node_modules/electron/install.js`';
  if (runtime === null) process.stderr.write(`Skipping the Electron spec: ${why}\n`);
  test.skip(runtime === null, why);
  const args = process.getuid?.() === 0 ? ['--no-sandbox', '.'] : ['.'];
  const app = await electron.launch({ executablePath: runtime!, args });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('region', { name: 'Tools' }).getByTestId('tool-qemu-img')).toContainText(/\d+\.\d+/);
    // The error text names libvirt-daemon-system too: only a live daemon shows its version and `ok`.
    const daemon = window.getByTestId('tool-libvirtd');
    await expect(daemon).toContainText(/libvirt \d+\.\d+/);
    await expect(daemon).toHaveClass(/\bok\b/);
    // The page has no Node: the preload exposed only the contract's two functions.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((window as unknown as { snaptree: object }).snaptree).sort())).toEqual(['invoke', 'subscribe']);
  } finally {
    await app.close();
  }
});
