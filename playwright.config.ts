import { defineConfig } from '@playwright/test';

/** Debian's Chromium: Playwright's own browser download is never used. */
const CHROMIUM = process.env.SNAPTREE_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 860 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
    screenshot: 'only-on-failure',
  },
});
