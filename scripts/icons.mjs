// Renders the window's icon (renderer/public/favicon.svg) to the PNG sizes a Linux desktop wants (build/icons/NxN.png),
// with Debian's Chromium: no image tool needed. Run after changing the icon.
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const svg = readFileSync(new URL('../renderer/public/favicon.svg', import.meta.url), 'utf8');
const out = new URL('../build/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.SNAPTREE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<style>body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
  await page.screenshot({ path: new URL(`${size}x${size}.png`, out).pathname, omitBackground: true });
  await page.close();
}
await browser.close();
