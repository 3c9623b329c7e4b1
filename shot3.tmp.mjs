import { chromium } from '@playwright/test';
const [url, out, clickSel] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
page.on('console', (m) => m.type() === 'error' && console.log('console:', m.text()));
await page.goto(url);
await page.waitForTimeout(1500);
if (clickSel) { await page.locator(clickSel).first().click(); await page.waitForTimeout(500); }
await page.screenshot({ path: out });
await browser.close();
