import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, imageNode, serveSnaptree, test } from './snaptree';

const qemuImg = (...args: string[]): void => {
  execFileSync('qemu-img', args, { stdio: 'ignore' });
};

async function watch(page: Page, folder: string): Promise<void> {
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
}

test('the demo workspace opens in one click: RootBase with three branches, Overlay-1B backed by Overlay-1A', async ({ page, snaptree }) => {
  await page.goto(snaptree.url);
  // The centre offers it when the forest is empty, the sidebar while no folder is watched.
  await page.getByRole('button', { name: 'Create a demo workspace' }).first().click();

  await expect(imageNode(page, 'RootBase.qcow2')).toBeVisible();
  for (const overlay of ['Overlay-1.qcow2', 'Overlay-2.qcow2', 'Overlay-3.qcow2']) {
    await expect(page.locator(`.react-flow__edge[data-id="${join(snaptree.home, 'data/snaptree/demo-workspace', 'RootBase.qcow2')}→${join(snaptree.home, 'data/snaptree/demo-workspace', overlay)}"]`)).toHaveCount(1);
  }
  await expect(imageNode(page, 'Snapshots-inside.qcow2')).toContainText('3 internal snapshots');
  await expect(imageNode(page, 'FedoraBase.img')).toContainText('raw');

  await imageNode(page, 'Overlay-1B.qcow2').click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await expect(inspector.getByRole('heading', { name: 'Overlay-1B.qcow2' })).toBeVisible();
  await expect(inspector.locator('.fact', { hasText: 'Backing file' })).toContainText('Overlay-1A.qcow2');
  await expect(inspector.locator('.fact', { hasText: 'Recorded format' })).toContainText('qcow2');

  // The link in the inspector walks down the chain.
  await inspector.getByRole('button', { name: 'Overlay-1A.qcow2' }).click();
  await expect(inspector.getByRole('heading', { name: 'Overlay-1A.qcow2' })).toBeVisible();
});

test.describe('a folder of broken images', () => {
  let folder: string;
  test.beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'snaptree-e2e-broken-'));
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'loop-b.qcow2', '-F', 'qcow2', join(folder, 'loop-a.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'loop-a.qcow2', '-F', 'qcow2', join(folder, 'loop-b.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'deleted-base.qcow2', '-F', 'qcow2', join(folder, 'orphan.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'healthy.qcow2'), '16M');
  });
  test.afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test('shows the loop and the missing backing file on the right nodes', async ({ page, snaptree }) => {
    await page.goto(snaptree.url);
    await watch(page, folder);

    await expect(imageNode(page, 'loop-a.qcow2').locator('[data-problem="backing-loop"]')).toBeVisible();
    await expect(imageNode(page, 'loop-b.qcow2').locator('[data-problem="backing-loop"]')).toBeVisible();
    await expect(imageNode(page, 'orphan.qcow2').locator('[data-problem="missing-backing"]')).toBeVisible();
    await expect(imageNode(page, 'healthy.qcow2').locator('[data-problem]')).toHaveCount(0);
    await expect(page.getByTestId('missing-node')).toContainText('deleted-base.qcow2');

    await imageNode(page, 'orphan.qcow2').click();
    await expect(page.getByRole('complementary', { name: 'Inspector' }).locator('[data-problem="missing-backing"]')).toContainText('does not exist');
  });

  test('an overlay made in a terminal shows up without a refresh', async ({ page, snaptree }) => {
    await page.goto(snaptree.url);
    await watch(page, folder);
    await expect(imageNode(page, 'healthy.qcow2')).toBeVisible();

    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'healthy.qcow2', '-F', 'qcow2', join(folder, 'made-in-terminal.qcow2'));
    // No reload: the folder's watch brings it (how fast is not a test's to say).
    await expect(imageNode(page, 'made-in-terminal.qcow2')).toBeVisible();
  });

  test('a watched folder deleted in a terminal is reported, and nothing else breaks', async ({ page, snaptree }) => {
    const other = mkdtempSync(join(tmpdir(), 'snaptree-e2e-vanishing-'));
    qemuImg('create', '-q', '-f', 'qcow2', join(other, 'doomed.qcow2'), '16M');
    await page.goto(snaptree.url);
    await watch(page, folder);
    await watch(page, other);
    await expect(imageNode(page, 'doomed.qcow2')).toBeVisible();
    rmSync(other, { recursive: true, force: true });
    await expect(page.getByTestId('folder-error')).toContainText(`${other}: This path does not exist.`);
    await expect(imageNode(page, 'doomed.qcow2')).toHaveCount(0);
    await expect(imageNode(page, 'healthy.qcow2')).toBeVisible();
  });

  test('watched folders are remembered across restarts', async ({ page }) => {
    const first = await serveSnaptree();
    await page.goto(first.url);
    await watch(page, folder);
    await expect(imageNode(page, 'healthy.qcow2')).toBeVisible();
    await first.stop(true);

    const second = await serveSnaptree({}, first.home);
    try {
      await page.goto(second.url);
      await expect(page.getByRole('region', { name: 'Watched folders' })).toContainText(folder);
      await expect(imageNode(page, 'healthy.qcow2')).toBeVisible();
    } finally {
      await second.stop();
    }
  });
});

test('a folder that does not exist gets a clear message and nothing changes', async ({ page, snaptree }) => {
  await page.goto(snaptree.url);
  await watch(page, '/nonexistent/snaptree-e2e');
  await expect(page.getByRole('region', { name: 'Watched folders' })).toContainText('/nonexistent/snaptree-e2e does not exist.');
  await watch(page, 'relative/path');
  await expect(page.getByRole('region', { name: 'Watched folders' })).toContainText('must be an absolute path');
  await expect(page.getByRole('region', { name: 'Watched folders' }).getByRole('listitem')).toHaveCount(0);
});

test('search dims the images that do not match', async ({ page, snaptree }) => {
  const folder = mkdtempSync(join(tmpdir(), 'snaptree-e2e-search-'));
  try {
    mkdirSync(join(folder, 'sub'));
    qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'alpha.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'sub', 'beta.qcow2'), '16M');
    await page.goto(snaptree.url);
    await watch(page, folder);
    await page.getByLabel('Search images').fill('bet');
    await expect(imageNode(page, 'beta.qcow2')).not.toHaveClass(/dimmed/);
    await expect(imageNode(page, 'alpha.qcow2')).toHaveClass(/dimmed/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a long chain opens on its base at a readable size, the rest a pan away', async ({ page, snaptree }) => {
  const folder = mkdtempSync(join(tmpdir(), 'snaptree-e2e-deep-'));
  try {
    qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'layer-0.qcow2'), '16M');
    for (let n = 1; n <= 20; n++) qemuImg('create', '-q', '-f', 'qcow2', '-b', `layer-${n - 1}.qcow2`, '-F', 'qcow2', join(folder, `layer-${n}.qcow2`));
    await page.goto(snaptree.url);
    await watch(page, folder);
    await expect(imageNode(page, 'layer-0.qcow2')).toBeInViewport();
    // Readable: drawn at least at half its size, not shrunk to fit all 21.
    expect((await imageNode(page, 'layer-0.qcow2').boundingBox())!.width).toBeGreaterThan(0.5 * 240);
    await expect(imageNode(page, 'layer-20.qcow2')).not.toBeInViewport();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.describe('a folder with entries that are not images and a name that is not UTF-8', () => {
  let folder: string;
  test.beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'snaptree-e2e-odd-'));
    qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'base.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(folder, 'tmp.qcow2'));
    renameSync(join(folder, 'tmp.qcow2'), Buffer.concat([Buffer.from(`${folder}/top-`), Buffer.from([0xff]), Buffer.from('.qcow2')]));
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'nbd://127.0.0.1:10809/export', '-F', 'raw', join(folder, 'on-nbd.qcow2'), '16M');
    execFileSync('mkfifo', [join(folder, 'pipe.qcow2')]);
    symlinkSync('gone.qcow2', join(folder, 'dangling.qcow2'));
  });
  test.afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test('lists what it skipped, shows the name escaped, and a network backing as not followed', async ({ page, snaptree }) => {
    await page.goto(snaptree.url);
    await watch(page, folder);

    await expect(page.locator('.image-name', { hasText: 'top-\\xff.qcow2' })).toBeVisible();
    await expect(page.getByTestId('missing-node')).toContainText('not followed');
    await expect(imageNode(page, 'on-nbd.qcow2').locator('[data-problem="protocol-backing"]')).toBeVisible();
    const skipped = page.getByTestId('skipped');
    await expect(skipped).toContainText('2 entries in the watched folders not shown');
    await skipped.locator('summary').click();
    await expect(skipped).toContainText(`${folder}/dangling.qcow2: a dangling symbolic link: its target does not exist`);
    await expect(skipped).toContainText(`${folder}/pipe.qcow2: a FIFO (named pipe), not an image file`);
  });
});

test('in a Chinese browser the forest and the image inspector are in Chinese, with the terms explained', async ({ page, browser, snaptree }) => {
  const folder = mkdtempSync(join(tmpdir(), 'snaptree-e2e-zh-'));
  try {
    qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'base.qcow2'), '16M');
    qemuImg('snapshot', '-c', 'clean', join(folder, 'base.qcow2'));
    qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'deleted-base.qcow2', '-F', 'qcow2', join(folder, 'orphan.qcow2'), '16M');
    // The folder is watched in English; the server remembers it for the Chinese window.
    await page.goto(snaptree.url);
    await watch(page, folder);
    await expect(imageNode(page, 'orphan.qcow2')).toBeVisible();

    const chinese = await browser.newPage({ locale: 'zh-CN' });
    try {
      await chinese.goto(snaptree.url);
      await expect(imageNode(chinese, 'base.qcow2')).toContainText('虚拟大小 16 MiB · 实际占用');
      await expect(imageNode(chinese, 'base.qcow2').locator('.badge.snapshots')).toHaveText('1 个内部快照');
      await expect(imageNode(chinese, 'orphan.qcow2').locator('[data-problem="missing-backing"]')).toHaveText('后端镜像缺失');
      await expect(chinese.getByTestId('missing-node')).toContainText('此处没有镜像文件：其增量镜像无法打开');

      await imageNode(chinese, 'orphan.qcow2').click();
      const inspector = chinese.getByRole('region', { name: '镜像' });
      await expect(inspector.locator('[data-problem="missing-backing"] b')).toHaveText('后端镜像缺失');
      await expect(inspector.locator('.fact', { hasText: '记录的格式' })).toContainText('qcow2');
      // Hovering the term in the heading explains it, in Chinese with the English name.
      await inspector.getByRole('heading', { name: '后端镜像' }).locator('.term').hover();
      await expect(chinese.getByRole('tooltip')).toContainText('后端镜像（backing file）：');

      await imageNode(chinese, 'base.qcow2').click();
      await expect(inspector.locator('.snapshot-table tbody tr')).toContainText(['clean']);
      await expect(inspector.locator('.snapshot-table .memory')).toHaveText('仅磁盘');
      await expect(inspector.locator('.snapshot-table tbody td').nth(2)).toContainText('年');
    } finally {
      await chinese.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
