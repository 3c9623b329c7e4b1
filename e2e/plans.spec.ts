import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { write } from '../electron/core/jobs/guest-data.test-support';
import { formatBytes } from '../shared/format';
import { drawer, expect, imageNode, inspector, serveSnaptree, test, type ServedSnaptree } from './snaptree';

// The demo workspace's real images, made by the served core in its own home; no libvirt domain here.
const demoDir = (snaptree: ServedSnaptree): string => join(snaptree.home, 'data/snaptree/demo-workspace');

/** `mib` MiB of text into a raw image from `fromMiB` MiB in: real data for a copy to hold and a compare to check. */
function writeText(raw: string, fromMiB: number, mib: number): void {
  const fd = openSync(raw, 'r+');
  const chunk = Buffer.alloc(1 << 20, 'snaptree ');
  for (let n = fromMiB; n < fromMiB + mib; n++) writeSync(fd, chunk, 0, chunk.length, n << 20);
  closeSync(fd);
}

async function openDemo(page: Page, snaptree: ServedSnaptree): Promise<void> {
  await page.goto(snaptree.url);
  await page.getByRole('button', { name: 'Create a demo workspace' }).first().click();
  await expect(imageNode(page, 'RootBase.qcow2')).toBeVisible();
}

/**
 * Run, as a person would after a write made in a terminal moments ago: if the core has not
 * yet seen it, it plans again at Run and shows the new plan (nothing ran), and Run once more
 * runs that one.
 */
async function runAfterWrite(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Run' }).click();
  const replanned = dialog.getByText('The disks changed since this plan was made');
  await expect(dialog.or(replanned)).toHaveCount(0, { timeout: 3000 }).catch(async () => {
    await expect(replanned).toBeVisible();
    await dialog.getByRole('button', { name: 'Run' }).click();
  });
  await expect(dialog).toHaveCount(0);
}

/** Opens the plan of a gesture of the selected image, and returns the dialog. */
/**
 * Presses the mouse on an image's node and moves it `dx` pixels, as a person starts a drag
 * (the drop targets light up then); `over` moves it onto another node, the button still down.
 */
async function pickUp(page: Page, name: string, dx: number): Promise<{ over(target: string): Promise<void> }> {
  const centre = async (node: string) => {
    const box = (await imageNode(page, node).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const from = await centre(name);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + dx, from.y, { steps: 4 });
  return {
    over: async (target) => {
      const onto = await centre(target);
      await page.mouse.move(onto.x, onto.y, { steps: 8 });
    },
  };
}

async function showPlan(page: Page, gesture: string, fill?: (page: Page) => Promise<void>) {
  await inspector(page).getByRole('button', { name: gesture }).click();
  await fill?.(page);
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Run' })).toBeVisible();
  await expect(dialog.getByTestId('command').first()).toBeVisible();
  return dialog;
}

test('a new overlay on a demo image: the plan shows qemu-img create with -F, Run, the job ends done, the overlay joins the forest, and a reload keeps the job', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  await imageNode(page, 'Overlay-1.qcow2').click();
  // A name a shell would misread, to see it quoted in the command and kept exactly in the file.
  const name = `Branch 'one' $(x).qcow2`;
  const dialog = await showPlan(page, 'New overlay…', async () => {
    // A relative path is refused before anything is planned, with the reason.
    await inspector(page).getByLabel('New overlay file').fill(name);
    await expect(inspector(page)).toContainText('Give the whole path, starting with /.');
    await expect(inspector(page).getByRole('button', { name: 'Show the plan…' })).toBeDisabled();
    await inspector(page).getByLabel('New overlay file').fill(join(demoDir(snaptree), name));
  });
  const command = dialog.getByTestId('command').first();
  await expect(command).toContainText('qemu-img create');
  await expect(command).toContainText(' -F qcow2 ');
  await expect(command).toContainText(`'${join(demoDir(snaptree), `Branch '\\''one'\\'' $(x).qcow2`)}'`);
  await expect(dialog.getByTestId('plan-creates')).toContainText(name);
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  const row = drawer(page).locator('.job-row').first();
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row).toContainText('100%');
  await expect(imageNode(page, name)).toBeVisible();
  expect(execFileSync('qemu-img', ['info', '--output=json', '--', join(demoDir(snaptree), name)], { encoding: 'utf8' })).toContain('Overlay-1.qcow2');

  // The record is the core's: a reload shows the same job, done.
  await page.reload();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done');
});

test('convert of a raw demo image: a disk that changed after its plan was shown gets a new plan, then the copy runs with progress, keeps the raw file, and the guest sees the same bytes', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  const raw = join(demoDir(snaptree), 'FedoraBase.img');
  // Real data, so that there is something to copy and to compare: 64 MiB of text from 1 MiB in.
  writeText(raw, 1, 64);
  await imageNode(page, 'FedoraBase.img').click();
  const dialog = await showPlan(page, 'Convert to qcow2…');
  await expect(dialog.getByTestId('command').first()).toContainText('qemu-img convert -p -t writeback -f raw -O qcow2');

  // Meanwhile the image grows in a terminal: the plan shown no longer stands. The window is
  // low, so the user scrolls down to Run; the new plan is then shown from its notice on.
  execFileSync('qemu-img', ['resize', '-q', '-f', 'raw', raw, '2G']);
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 320 });
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(dialog.getByRole('status')).toContainText('The disks changed since this plan was made: here is the new one. Nothing has run yet.');
  await expect(dialog.getByRole('status')).toBeInViewport({ ratio: 1 });
  await page.setViewportSize(size);
  await expect(drawer(page).locator('.job-row')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Run' }).click();

  const row = drawer(page).locator('.job-row').first();
  await expect(row.getByRole('progressbar')).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(row).toContainText('100%');
  await expect(imageNode(page, 'FedoraBase.qcow2')).toBeVisible();
  // No domain uses it: the raw file stays where it was, and nothing goes to the trash.
  await expect(imageNode(page, 'FedoraBase.img')).toBeVisible();
  expect(existsSync(raw)).toBe(true);
  execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', '--', raw, join(demoDir(snaptree), 'FedoraBase.qcow2')]);
});

test('a check shows its result in the image inspector', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  await imageNode(page, 'Overlay-2.qcow2').click();
  const dialog = await showPlan(page, 'Check…');
  await expect(dialog.getByTestId('command').first()).toContainText('qemu-img check');
  await expect(dialog.getByTestId('command').first()).toContainText('--output=json');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done');
  await expect(inspector(page).getByTestId('check-result')).toContainText('no errors found');
});

test('an internal snapshot of an image that overlays use is blocked: Run is disabled and the alternative is shown', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  await imageNode(page, 'RootBase.qcow2').click();
  const dialog = await showPlan(page, 'Internal snapshot…');
  const blockers = dialog.getByRole('region', { name: 'Why this cannot run' });
  await expect(blockers).toContainText('is the backing file of');
  await expect(blockers).toContainText('Overlay-1.qcow2');
  await expect(blockers).toContainText('What you can do instead:');
  await expect(blockers.locator('.alternatives li')).toContainText('Make a new overlay on');
  await expect(dialog.getByRole('button', { name: 'Run' })).toBeDisabled();
  await expect(dialog).toContainText('Blocked: nothing will run.');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(drawer(page).locator('.job-row')).toHaveCount(0);
});

test('convert into a file system too small for it: the plan says the bytes qemu-img measures the copy takes, and warns before Run that it does not fit', async ({ page, snaptree }) => {
  // A small file system of its own (mounting needs root, as in CI).
  const small = mkdtempSync(join(tmpdir(), 'snaptree-e2e-small-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'snaptree-e2e', small], { encoding: 'utf8' });
  test.skip(mounted.status !== 0, `mount -t tmpfs is not permitted here (${mounted.stderr.trim()})`);
  try {
    await openDemo(page, snaptree);
    const raw = join(demoDir(snaptree), 'FedoraBase.img');
    // 16 MiB of text from 1 MiB in: what the copy must hold.
    writeText(raw, 1, 16);
    const { required } = JSON.parse(execFileSync('qemu-img', ['measure', '--output=json', '-f', 'raw', '-O', 'qcow2', '--', raw], { encoding: 'utf8' })) as { required: number };
    await imageNode(page, 'FedoraBase.img').click();
    const target = join(small, 'FedoraBase.qcow2');
    const dialog = await showPlan(page, 'Convert to qcow2…', async () => {
      await inspector(page).getByLabel('New qcow2 file').fill(target);
    });
    await expect(dialog.getByText('Data to write').locator('+ dd')).toHaveText(formatBytes(required));
    await expect(dialog.getByRole('region', { name: 'Warnings' })).toContainText(`The copy takes ${formatBytes(required)}, as qemu-img measures it, and the file system of ${target} has 8.0 MiB free: it does not fit unless space is freed first.`);
    // Shown, not run: nothing is written there.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    expect(existsSync(target)).toBe(false);
  } finally {
    if (mounted.status === 0) execFileSync('umount', [small]);
    rmSync(small, { recursive: true, force: true });
  }
});

test('after kill -9 of the program mid-convert, the next start shows the job interrupted: the step it was at, and each file it touched read again', async ({ page }) => {
  const first = await serveSnaptree();
  await openDemo(page, first);
  const raw = join(demoDir(first), 'FedoraBase.img');
  writeText(raw, 0, 900);
  await imageNode(page, 'FedoraBase.img').click();
  const dialog = await showPlan(page, 'Convert to qcow2…');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'running');

  // This serve's own qemu-img, found by its parent pid; both die at once, as in a crash.
  const copier = execFileSync('pgrep', ['-P', String(first.pid), '-f', 'qemu-img convert'], { encoding: 'utf8' }).trim();
  expect(copier).toMatch(/^\d+$/);
  process.kill(first.pid, 'SIGKILL');
  process.kill(Number(copier), 'SIGKILL');

  const second = await serveSnaptree({}, first.home);
  try {
    await page.goto(second.url);
    const row = drawer(page).locator('.job-row').first();
    await expect(row).toHaveAttribute('data-state', 'interrupted');
    await expect(row).toContainText('Was at step 1 of 1 when the program stopped:');
    await expect(row.getByTestId('job-files')).toContainText(`${raw} opens as before`);
    expect(existsSync(raw)).toBe(true);
  } finally {
    await second.stop();
  }
});

test('a second job on an image another job holds waits, says for whom, and runs when that one ends', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  // 2 GiB of real data: the first copy runs for a few seconds.
  const raw = join(demoDir(snaptree), 'FedoraBase.img');
  execFileSync('qemu-img', ['resize', '-q', '-f', 'raw', raw, '2G']);
  writeText(raw, 0, 2048);
  await imageNode(page, 'FedoraBase.img').click();
  await (await showPlan(page, 'Convert to qcow2…')).getByRole('button', { name: 'Run' }).click();
  const first = drawer(page).locator('.job-row', { hasText: 'FedoraBase.qcow2' });
  await expect(first).toHaveAttribute('data-state', 'running');

  const copy = join(demoDir(snaptree), 'FedoraBase-copy.qcow2');
  const dialog = await showPlan(page, 'Convert to qcow2…', async () => {
    await inspector(page).getByLabel('New qcow2 file').fill(copy);
  });
  await dialog.getByRole('button', { name: 'Run' }).click();
  const second = drawer(page).locator('.job-row', { hasText: 'FedoraBase-copy.qcow2' });
  await expect(second).toHaveAttribute('data-state', 'waiting');
  await expect(second).toContainText(`which holds ${raw}`);
  await expect(first).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(second).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
});

test("an image's internal snapshot, from its row in the inspector: Revert to this puts the image's bytes back as they were, Delete takes it out of the table", async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  const image = join(demoDir(snaptree), 'Snapshots-inside.qcow2');
  // The guest's view as it was at the snapshot, kept aside; `qemu-img compare` exits 0 when the two read the same.
  const atSnapshot = join(snaptree.home, 'at-snapshot.qcow2');
  execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'qcow2', '--', image, atSnapshot]);
  const sameAsSnapshot = () => spawnSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', '--', atSnapshot, image]).status === 0;
  write(image, 0x5a, '0', '1M');
  expect(sameAsSnapshot()).toBe(false);

  await imageNode(page, 'Snapshots-inside.qcow2').click();
  const row = (name: string) => inspector(page).locator('.snapshot-table tr', { hasText: name });
  await row('after upgrade').getByRole('button', { name: 'Revert' }).click();
  let dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('command')).toContainText('qemu-img snapshot -a');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done');
  expect(sameAsSnapshot()).toBe(true);

  await row('fresh install').getByRole('button', { name: 'Delete' }).click();
  dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('command')).toContainText('qemu-img snapshot -d');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await expect(row('fresh install')).toHaveCount(0);
  await expect(row('before upgrade')).toHaveCount(1);
  expect(execFileSync('qemu-img', ['snapshot', '-l', '--', image], { encoding: 'utf8' })).not.toContain('fresh install');
});

test('dragging a middle layer of a demo chain onto the image below it lights up where it may go, and the drop plans a commit: Run folds it in, the overlay above is re-pointed, the graph redraws, and the chain reads the same', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  const dir = demoDir(snaptree);
  const file = (name: string) => join(dir, name);
  // Data in the layer that is folded away and in the one above it, to see both read the same after.
  write(file('Overlay-1B.qcow2'), 0x7e, '1M', '1M');
  write(file('Overlay-1C.qcow2'), 0x5d, '3M', '1M');
  const before = join(snaptree.home, 'top-before.qcow2');
  execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'qcow2', '--', file('Overlay-1C.qcow2'), before]);

  const drag = await pickUp(page, 'Overlay-1B.qcow2', -20);
  // While dragging: the images below in its chain light up; a base that other overlays use
  // says why not (rule 1); an image of another chain is not a target at all.
  await expect(imageNode(page, 'Overlay-1A.qcow2')).toHaveAttribute('data-drop', 'allowed');
  await expect(imageNode(page, 'Overlay-1.qcow2')).toHaveAttribute('data-drop', 'allowed');
  await expect(imageNode(page, 'RootBase.qcow2')).toHaveAttribute('data-drop', 'refused');
  await expect(imageNode(page, 'RootBase.qcow2')).toHaveAttribute('title', /Overlay-2/);
  await expect(imageNode(page, 'Fedora-guest-1.qcow2')).toHaveAttribute('data-drop', 'outside');
  await drag.over('Overlay-1A.qcow2');
  await expect(imageNode(page, 'Overlay-1A.qcow2')).toHaveClass(/drop-over/);
  await page.mouse.up();

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('command').first()).toContainText('qemu-img commit');
  await expect(dialog.getByTestId('command').filter({ hasText: 'rebase -u' })).toContainText('Overlay-1C.qcow2');
  await runAfterWrite(page);
  const row = drawer(page).locator('.job-row').first();
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row).toContainText('100%');
  // Redrawn: the folded layer gone, the overlay above it now on the image it was dropped on.
  await expect(imageNode(page, 'Overlay-1B.qcow2')).toHaveCount(0);
  await expect(page.locator(`.react-flow__edge[data-id="${file('Overlay-1A.qcow2')}→${file('Overlay-1C.qcow2')}"]`)).toHaveCount(1);
  execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', '--', before, file('Overlay-1C.qcow2')]);
  expect(existsSync(file('Overlay-1B.qcow2'))).toBe(false);
});

test('dragging a base onto an overlay two layers up plans a pull that flattens the overlay: it takes in the whole chain and stands alone, reading the same', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  const file = (name: string) => join(demoDir(snaptree), name);
  write(file('Overlay-2.qcow2'), 0x2b, '2M', '1M');
  const before = join(snaptree.home, 'flatten-before.qcow2');
  execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'qcow2', '--', file('Overlay-2A.qcow2'), before]);

  const drag = await pickUp(page, 'RootBase.qcow2', 20);
  await expect(imageNode(page, 'Overlay-2A.qcow2')).toHaveAttribute('data-drop', 'allowed');
  await expect(imageNode(page, 'Overlay-2A.qcow2')).toHaveAttribute('title', /pull into this overlay/);
  await drag.over('Overlay-2A.qcow2');
  await page.mouse.up();

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { level: 2 })).toContainText('Flatten Overlay-2A.qcow2');
  await runAfterWrite(page);
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done');
  await expect(page.locator(`.react-flow__edge[data-id$="→${file('Overlay-2A.qcow2')}"]`)).toHaveCount(0);
  execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', '--', before, file('Overlay-2A.qcow2')]);
});

test('"Pull from…" in the inspector flattens a demo overlay without the mouse: the plan shows the safe rebase, and afterwards it stands alone and reads the same', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  const overlay = join(demoDir(snaptree), 'Overlay-2A.qcow2');
  write(join(demoDir(snaptree), 'Overlay-2.qcow2'), 0x3c, '0', '1M');
  const before = join(snaptree.home, 'pull-before.qcow2');
  execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'qcow2', '--', overlay, before]);

  await imageNode(page, 'Overlay-2A.qcow2').click();
  const dialog = await showPlan(page, 'Pull from…', async () => {
    await inspector(page).getByLabel('Then backed by').selectOption({ label: 'nothing: take in the whole chain (flatten)' });
  });
  // Layer by layer, the last one onto nothing; the layer between, then unused, goes to the trash.
  await expect(dialog.getByTestId('command').last()).toContainText("qemu-img rebase -p -f qcow2 -b ''");
  await expect(dialog.getByTestId('plan-unused')).toContainText('Overlay-2.qcow2');
  await runAfterWrite(page);
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done');
  expect(JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '--', overlay], { encoding: 'utf8' })).backing_filename).toBeUndefined();
  execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', '--', before, overlay]);
});

test('a commit into a base that other overlays use is blocked (rule 1), and its alternative is one click: the pull that takes the same data the other way', async ({ page, snaptree }) => {
  await openDemo(page, snaptree);
  await imageNode(page, 'Overlay-1.qcow2').click();
  await inspector(page).getByRole('button', { name: 'Commit into…' }).click();
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  const dialog = page.getByRole('dialog');
  const blocked = dialog.locator('[data-blocker="base-shared"]');
  await expect(blocked).toContainText('Overlay-2.qcow2');
  await expect(dialog.getByRole('button', { name: 'Run' })).toBeDisabled();
  await blocked.getByRole('button', { name: 'Show that plan' }).click();
  await expect(dialog.getByRole('heading', { level: 2 })).toContainText('Flatten Overlay-1.qcow2');
  await expect(dialog.getByTestId('command').first()).toContainText("rebase -p -f qcow2 -b ''");
  await expect(dialog.getByRole('button', { name: 'Run' })).toBeEnabled();
});
