import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { guestBytes as bytesOf, write as writeAt } from '../electron/core/jobs/guest-data.test-support';
import { testDomains, virsh, type TestDomains } from '../electron/core/libvirt/domains.test-support';
import { drawer, expect, graph, inspector, test } from './snaptree';

// The real daemon, with the TCG domains these tests make (and remove).
test.use({ libvirtUri: 'qemu:///system' });

let domains: TestDomains;
test.beforeAll(() => {
  domains = testDomains();
});
test.afterAll(() => domains?.remove());

const node = (page: Page, name: string) => graph(page).locator(`[data-snapshot="${name}"]`);
/** What the guest reads through a chain; a layer's own bytes, at 0. */
const guestBytes = (top: string): string => bytesOf(top, domains.dir);
const write = (file: string, pattern: number): void => writeAt(file, pattern, '0', '1M');
/** A disk-only snapshot made in a terminal, its new overlay then written with a pattern of its own. */
function diskOnly(domain: string, name: string, overlay: string, pattern: number): void {
  virsh('snapshot-create-as', domain, name, '--disk-only', '--diskspec', `vda,snapshot=external,file=${overlay}`);
  write(overlay, pattern);
}

async function runPlan(page: Page): Promise<void> {
  await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
}

test('a shut-off domain goes back to an external snapshot from its node: the plan says what is lost and kept, the old branch stays and is shown on another branch; then the Delete key folds the old branch\'s snapshot away', async ({ page, snaptree }) => {
  const guest = domains.define('branches');
  write(guest.disk, 0x11);
  const first = join(domains.dir, "branches 'one' 一.qcow2");
  diskOnly(guest.name, 'one', first, 0x22);
  const second = join(domains.dir, 'branches.two.qcow2');
  diskOnly(guest.name, 'two', second, 0x33);
  const atOne = guestBytes(guest.disk);
  const atTwo = guestBytes(first);
  const now = guestBytes(second);
  // Three states a reader can tell apart.
  expect(new Set([atOne, atTwo, now]).size).toBe(3);

  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await node(page, 'one').click();
  await node(page, 'one').getByRole('button', { name: 'Revert to this' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByRole('heading', { level: 2 })).toContainText(`Revert ${guest.name} to snapshot one`);
  // libvirt 9.0 refuses this itself: the plan is Snaptree's recipe, a fresh overlay on the snapshot's state.
  await expect(plan.getByTestId('command').filter({ hasText: 'qemu-img create' })).toContainText('branches.qcow2');
  await expect(plan.getByTestId('command').filter({ hasText: 'snapshot-current' })).toHaveCount(1);
  await expect(plan.getByTestId('command').filter({ hasText: 'snapshot-revert' })).toHaveCount(0);
  // Shut off, NOW is its disks alone, and those stay: the old branch, said so.
  await expect(plan.locator('.plan-warnings')).toContainText(`Disk vda leaves ${second}: they stay on disk untouched, as the old branch`);
  await expect(plan.getByTestId('plan-tree-after')).toContainText('one');
  await runPlan(page);

  // NOW hangs from the snapshot gone back to; the disk reads as it did then.
  await expect(page.locator('.react-flow__edge[data-id="snapshot:one→now"]')).toHaveCount(1);
  expect(virsh('snapshot-current', '--name', guest.name).trim()).toBe('one');
  const active = virsh('domblklist', guest.name).match(/vda\s+(.+)/)![1]!.trim();
  expect(active).not.toBe(second);
  expect(guestBytes(active)).toBe(atOne);
  // The old branch is untouched and shown as such, not as stale.
  expect(guestBytes(second)).toBe(now);
  await expect(node(page, 'two').locator('[data-branch="other"]')).toHaveText('other branch');
  await expect(node(page, 'two').locator('[data-problem]')).toHaveCount(0);

  // Delete, from the keyboard: the old branch's last snapshot is folded into its own layers.
  await node(page, 'two').click();
  await page.keyboard.press('Delete');
  await expect(plan.getByRole('heading', { level: 2 })).toContainText('two');
  await expect(plan.getByTestId('plan-tree-before')).toContainText('two');
  await expect(plan.getByTestId('plan-tree-after')).not.toContainText('two');
  await runPlan(page);
  await expect(node(page, 'two')).toHaveCount(0);
  expect(virsh('snapshot-list', '--name', guest.name)).not.toContain('two');
  // Every chain reads as before: the running one at `one`, the old branch's top as NOW was.
  expect(guestBytes(active)).toBe(atOne);
  const oldTop = existsSync(second) ? second : first;
  expect(guestBytes(oldTop)).toBe(now);
});

test('a running domain goes back to an internal snapshot, keeping NOW as a snapshot in one click, then deletes another from the snapshot\'s inspector: the tree is redrawn from what libvirt then says', async ({ page, snaptree }) => {
  const guest = domains.define('internal', { start: true });
  virsh('snapshot-create-as', guest.name, 'int-a');
  virsh('snapshot-create-as', guest.name, 'int-b');

  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await node(page, 'int-a').click();
  await inspector(page).getByRole('button', { name: 'Revert to this…' }).click();
  await inspector(page).getByLabel('Afterwards the domain is').selectOption('paused');
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('command').filter({ hasText: 'snapshot-revert' })).toContainText('--paused');
  // The present state is lost unless a snapshot keeps it: one click adds that snapshot first.
  await expect(plan.locator('.plan-lost')).toContainText(`The present state of ${guest.name} (NOW)`);
  await plan.locator('.plan-warnings li', { hasText: 'to keep it' }).getByRole('button', { name: 'Show that plan' }).click();
  await expect(plan.getByTestId('command').first()).toContainText('snapshot-create-as');
  await expect(plan.getByTestId('command').filter({ hasText: 'snapshot-revert' })).toContainText('--paused');
  await expect(plan.locator('.plan-lost')).toHaveCount(0);
  await runPlan(page);
  await expect(page.locator('.react-flow__edge[data-id="snapshot:int-a→now"]')).toHaveCount(1);
  expect(virsh('domstate', guest.name).trim()).toBe('paused');
  const kept = virsh('snapshot-list', '--name', guest.name).split('\n').map((name) => name.trim()).filter((name) => name !== '' && name !== 'int-a' && name !== 'int-b');
  expect(kept).toHaveLength(1);
  await expect(page.locator(`.react-flow__edge[data-id="snapshot:int-b→snapshot:${kept[0]}"]`)).toHaveCount(1);

  // Deleting int-b gives its child its parent, as the plan's tree says before it runs.
  await node(page, 'int-b').click();
  await inspector(page).getByRole('button', { name: 'Delete…' }).click();
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  await expect(plan.getByTestId('command').filter({ hasText: 'snapshot-delete' })).toHaveCount(1);
  await expect(plan.getByTestId('plan-tree-after')).not.toContainText('int-b');
  await runPlan(page);
  await expect(node(page, 'int-b')).toHaveCount(0);
  await expect(node(page, 'int-a')).toContainText('current');
  await expect(page.locator(`.react-flow__edge[data-id="snapshot:int-a→snapshot:${kept[0]}"]`)).toHaveCount(1);
  expect(virsh('snapshot-list', '--name', guest.name)).not.toContain('int-b');
});

test("the active layer of a running domain's disk chain, dragged in the inspector onto the layer below it, is committed into it live: the snapshot whose state that was is named lost, and the chain is one layer shorter", async ({ page, snaptree }) => {
  const guest = domains.define('chain');
  const first = join(domains.dir, 'chain.s1.qcow2');
  diskOnly(guest.name, 's1', first, 0x44);
  const second = join(domains.dir, 'chain.s2.qcow2');
  diskOnly(guest.name, 's2', second, 0x55);
  const now = guestBytes(second);
  virsh('start', guest.name);

  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await graph(page).getByTestId('now-node').click();
  const chain = inspector(page).locator('ol.chain li');
  await expect(chain).toHaveCount(3);
  // As a person drags: the layers light up while the mouse is held, then the drop.
  const from = (await chain.nth(0).boundingBox())!;
  const onto = (await chain.nth(1).boundingBox())!;
  await page.mouse.move(from.x + 8, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 20, from.y + from.height / 2 + 2, { steps: 3 });
  await expect(chain.nth(1)).toHaveAttribute('data-drop', 'allowed');
  await expect(chain.nth(2)).toHaveAttribute('data-drop', 'allowed');
  await page.mouse.move(onto.x + 8, onto.y + onto.height / 2, { steps: 5 });
  await page.mouse.up();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('command').first()).toContainText('blockcommit');
  await expect(plan.getByTestId('command').first()).toContainText('--active --pivot');
  await expect(plan.locator('.plan-lost')).toContainText('s2');
  await runPlan(page);

  await expect(inspector(page).locator('ol.chain li')).toHaveCount(2);
  expect(virsh('domblklist', guest.name)).toContain(first);
  // Read once QEMU has closed it: a running QEMU's caches are its own.
  virsh('destroy', guest.name);
  expect(guestBytes(first)).toBe(now);
  await expect(node(page, 's2')).toHaveCount(0);
  expect(existsSync(second)).toBe(false);
});
