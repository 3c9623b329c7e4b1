import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { strayEnglish } from '../renderer/src/i18n/kept';
import { expect, serveSnaptree, test } from './snaptree';

test('a Chinese system gets a Chinese window; English is one click away, at once, and remembered by the next serve', async ({ browser }) => {
  const first = await serveSnaptree();
  let second: Awaited<ReturnType<typeof serveSnaptree>> | null = null;
  try {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(first.url);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    const sidebar = page.getByRole('navigation', { name: '主机、虚拟机和文件夹' });
    await expect(sidebar).toContainText('本机');
    await expect(sidebar).toContainText('监视的文件夹');
    await expect(page.getByRole('region', { name: '工具' }).getByRole('button', { name: '重新检查' })).toBeVisible();
    await expect(page.getByRole('region', { name: '工具' }).getByTestId('tool-qemu-img')).toContainText('读取和创建磁盘镜像');
    const jobs = page.getByRole('contentinfo', { name: '任务' });
    await expect(jobs).toContainText('还没有任务');

    // A term teaches itself on keyboard focus: the Chinese name, the English one, a sentence.
    const commit = jobs.locator('.term', { hasText: '向下合并' });
    await commit.focus();
    const tip = page.locator(`[id="${await commit.getAttribute('aria-describedby')}"]`);
    await expect(tip).toBeVisible();
    await expect(tip).toHaveAttribute('role', 'tooltip');
    await expect(tip).toHaveText(/^向下合并（blockcommit）：把增量镜像中的改动合并到它下面的镜像里/);
    await commit.blur();
    await expect(tip).toBeHidden();
    // … and on hover.
    await jobs.locator('.term', { hasText: '向上合并' }).hover();
    await expect(page.getByRole('tooltip').filter({ visible: true })).toHaveText(/^向上合并（pull）：/);

    // The switch changes the page in place: a reload would drop this mark.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    await sidebar.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('navigation', { name: 'Hosts, domains and folders' });
    await expect(english).toContainText('This computer');
    await expect(english.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('region', { name: 'Tools' }).getByRole('button', { name: 'Check again' })).toBeVisible();
    await expect(page.getByRole('contentinfo', { name: 'Jobs' })).toContainText('No jobs yet');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();

    // A new serve has a new port, so a new origin with storage of its own: the core's settings remember.
    await first.stop(true);
    second = await serveSnaptree({}, first.home);
    expect(second.origin).not.toBe(first.origin);
    const again = await browser.newPage({ locale: 'zh-CN' });
    await again.goto(second.url);
    await expect(again.getByRole('navigation', { name: 'Hosts, domains and folders' })).toContainText('This computer');
    await expect(again.locator('html')).toHaveAttribute('lang', 'en');
    await again.close();
  } finally {
    if (second) await second.stop();
    else await first.stop();
  }
});

/**
 * What the host, the test driver and the demo name: data, not words of the window
 * (`localhost`, the domain `test` with its disk `vda`, its hypervisor `TEST`, the demo's
 * internal snapshots).
 */
const DATA = new Set(['localhost', 'test', 'TEST', 'vda', 'fresh install', 'before upgrade', 'after upgrade']);

/**
 * Every text node and every aria-label, aria-description, title, placeholder and alt of
 * the page, with where it is; text inside `<code>` or `<pre>` (commands, names as the
 * header holds them, a domain's XML) or marked lang="en" (a term's English name) is
 * English on purpose.
 */
async function renderedTexts(page: Page): Promise<{ text: string; where: string }[]> {
  // A walk from the body down: this file is compiled without the DOM's globals.
  return page.locator('body').evaluate((body) => {
    const found: { text: string; where: string }[] = [];
    const ATTRIBUTES = ['aria-label', 'aria-description', 'title', 'placeholder', 'alt'];
    const VERBATIM = new Set(['CODE', 'PRE', 'SCRIPT', 'STYLE']);
    const visit = (element: typeof body, where: string): void => {
      if (VERBATIM.has(element.tagName) || element.getAttribute('lang')?.startsWith('en')) return;
      const label = element.getAttribute('aria-label');
      const here = label ? `“${label}”` : element.getAttribute('class') ? `.${element.getAttribute('class')}` : where;
      for (const attribute of ATTRIBUTES) {
        const value = element.getAttribute(attribute);
        if (value) found.push({ text: value, where: `${attribute} of ${element.tagName.toLowerCase()} in ${here}` });
      }
      for (const child of element.childNodes) {
        if (child.nodeType === child.TEXT_NODE && child.textContent!.trim() !== '') found.push({ text: child.textContent!.trim(), where: `${element.tagName.toLowerCase()} in ${here}` });
        if (child.nodeType === child.ELEMENT_NODE) visit(child as typeof body, here);
      }
    };
    visit(body, 'body');
    return found;
  });
}

/** English words left in the Chinese window: not a file name, a path, a URI, a number or identifier (a UUID), a kept word or the test's data. */
async function englishLeft(page: Page): Promise<string[]> {
  return (await renderedTexts(page)).flatMap(({ text, where }) => {
    if (DATA.has(text)) return [];
    // Paths and URIs first, whole: `qemu+ssh://host/system` is no English word.
    const words = strayEnglish(text.replace(/\S*\/\S*/g, ' '))
      .map((word) => word.replace(/[.:]+$/, ''))
      .filter((word) => word !== '' && !/\.[A-Za-z0-9]+$/.test(word) && !/\d/.test(word) && !DATA.has(word) && strayEnglish(word).length > 0);
    return words.length === 0 ? [] : [`${where}: “${text}” (${words.join(', ')})`];
  });
}

test('in Chinese, no English word is left anywhere the window shows: sidebar, forest, skipped entries, inspectors, Tools panel, a plan, a job and the trash, snapshot tree', async ({ browser, snaptree }) => {
  const page = await browser.newPage({ locale: 'zh-CN' });
  const left = new Set<string>();
  const look = async (): Promise<void> => (await englishLeft(page)).forEach((line) => left.add(line));

  await page.goto(snaptree.url);
  await expect(page.getByRole('region', { name: '工具' }).getByTestId('tool-libvirtd')).toHaveClass(/\bok\b/);
  await look();

  await page.getByRole('button', { name: '创建演示工作区' }).first().click();
  await expect(page.locator('.react-flow__node')).not.toHaveCount(0);
  await look();

  // Entries the scan skips, in the demo's folder (the watcher rescans): a FIFO, a dangling link, a link under a file (ENOTDIR).
  const demo = join(snaptree.home, 'data/snaptree/demo-workspace');
  execFileSync('mkfifo', [join(demo, 'pipe.qcow2')]);
  symlinkSync('gone.qcow2', join(demo, 'dangling.qcow2'));
  symlinkSync('RootBase.qcow2/below.qcow2', join(demo, 'under-a-file.qcow2'));
  const skipped = page.getByTestId('skipped');
  await expect(skipped).toContainText('3 个条目未显示');
  await skipped.locator('summary').click();
  await expect(skipped).toContainText('无法访问目标的符号链接：路径中的某一部分是文件，不是文件夹（ENOTDIR）');
  await look();
  for (const name of ['Overlay-1B.qcow2', 'Snapshots-inside.qcow2', 'FedoraBase.img']) {
    await page.locator('.react-flow__node', { hasText: name }).first().click();
    await expect(page.getByRole('complementary')).toContainText(name);
    await look();
  }

  // The change path: a plan, its job in the drawer, the check's result, the trash.
  await page.locator('.react-flow__node', { hasText: 'Overlay-1B.qcow2' }).first().click();
  await page.getByRole('complementary').getByRole('button', { name: '检查…' }).click();
  await page.getByRole('complementary').getByRole('button', { name: '查看计划…' }).click();
  await expect(page.getByRole('dialog').getByTestId('command')).toContainText('qemu-img check');
  await look();
  await page.getByRole('dialog').getByRole('button', { name: '执行' }).click();
  await expect(page.getByRole('contentinfo').locator('.job-row').first()).toHaveAttribute('data-state', 'done');
  await page.getByRole('contentinfo').locator('.job-row summary').first().click();
  await expect(page.getByTestId('check-result')).toContainText('未发现错误');
  await look();
  await page.getByRole('contentinfo').getByRole('tab', { name: /回收站/ }).click();
  await look();

  await page.locator('[data-domain="test"]').click();
  await page.getByRole('tab', { name: /test/ }).click();
  await expect(page.locator('.react-flow__node')).not.toHaveCount(0);
  await look();

  await page.close();
  expect([...left]).toEqual([]);
});
