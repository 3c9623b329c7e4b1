import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, serveSnaptree, test } from './snaptree';

test('a corrupt settings file is set aside, and the window says where it is kept', async ({ page, browser }) => {
  const home = mkdtempSync(join(tmpdir(), 'snaptree-e2e-home-'));
  const settings = join(home, 'config', 'snaptree', 'settings.json');
  mkdirSync(join(home, 'config', 'snaptree'), { recursive: true });
  writeFileSync(settings, '{ "watchedFolders": ["/srv/vms", ');
  const served = await serveSnaptree({}, home);
  try {
    await page.goto(served.url);
    const notice = page.getByRole('alert', { name: 'Settings' });
    await expect(notice).toContainText(`${settings} was not valid settings`);
    await expect(notice).toContainText(`it is kept as ${settings}.unreadable-1`);
    expect(readFileSync(`${settings}.unreadable-1`, 'utf8')).toBe('{ "watchedFolders": ["/srv/vms", ');
    await notice.getByRole('button', { name: 'Hide' }).click();
    await expect(notice).toBeHidden();

    // In Chinese, the core's sentence around the file's names is the catalogue's.
    const chinese = await browser.newPage({ locale: 'zh-CN' });
    await chinese.goto(served.url);
    const banner = chinese.getByRole('alert', { name: '设置' });
    await expect(banner).toContainText(`${settings} 不是有效的设置文件`);
    await expect(banner).toContainText(`原文件已保留为 ${settings}.unreadable-1`);
    await chinese.close();
  } finally {
    await served.stop();
  }
});
