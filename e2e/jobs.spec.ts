import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { write } from '../electron/core/jobs/guest-data.test-support';
import { testDomains, virsh, type TestDomains } from '../electron/core/libvirt/domains.test-support';
import { drawer, expect, graph, inspector, test } from './snaptree';

// The real daemon, with the TCG domains these tests make (and remove).
test.use({ libvirtUri: 'qemu:///system' });

let domains: TestDomains;
test.beforeAll(() => {
  domains = testDomains();
});
test.afterAll(() => domains?.remove());

const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));


/** Take snapshot… from the domain's NOW node, as a person would, up to the plan's Run. */
async function snapshotFromNow(page: Page, domain: string, name: string, kind: RegExp): Promise<void> {
  await page.locator(`[data-domain="${domain}"]`).click();
  await graph(page).getByTestId('now-node').getByRole('button', { name: 'Take snapshot…' }).click();
  const form = page.getByRole('dialog', { name: `Take a snapshot of ${domain}` });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('radio', { name: kind }).check();
  await form.getByRole('button', { name: 'Show the plan…' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('command').first()).toContainText('virsh');
  await plan.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
}

test('a running TCG domain takes an internal and then an external disk-only snapshot from its NOW node; both join the tree, NOW hangs from the newest', async ({ page, snaptree }) => {
  const guest = domains.define('snap', { start: true });
  virsh('snapshot-create-as', guest.name, 'first');
  await page.goto(snaptree.url);

  // The name is checked against the domain's snapshots as it is typed.
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await graph(page).getByTestId('now-node').getByRole('button', { name: 'Take snapshot…' }).click();
  const form = page.getByRole('dialog', { name: `Take a snapshot of ${guest.name}` });
  await form.getByLabel('Name').fill('first');
  await expect(form).toContainText('A snapshot named "first" already exists.');
  await expect(form.getByRole('button', { name: 'Show the plan…' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);

  // A name a shell or an option parser would misread, and not ASCII: libvirt takes it as it is.
  const hostile = "--it's $(x) 快照";
  await snapshotFromNow(page, guest.name, hostile, /^Internal/);
  await expect(graph(page).locator(`[data-snapshot="${hostile}"]`)).toContainText('current');
  expect(virsh('snapshot-list', '--name', guest.name)).toContain(hostile);
  // No display, no picture; and the snapshot is whole without one.
  await expect(graph(page).locator('.snapshot-thumb')).toHaveCount(0);
  await expect(page.locator(`.react-flow__edge[data-id="snapshot:${hostile}→now"]`)).toHaveCount(1);

  await snapshotFromNow(page, guest.name, 'outside', /^External, disks only/);
  await expect(graph(page).locator('[data-snapshot="outside"]')).toContainText('external');
  await expect(page.locator('.react-flow__edge[data-id="snapshot:outside→now"]')).toHaveCount(1);
  // The new overlay is the disk's active layer now, beside the old one.
  const overlay = join(domains.dir, 'snap.outside.qcow2');
  await expect(page.locator(`[data-domain="${guest.name}"]`)).toBeVisible();
  expect(virsh('domblklist', guest.name)).toContain(overlay);
});

test('a block job started in a terminal is shown on its disk and refuses a snapshot with the commands that end it; once it is aborted the snapshot runs', async ({ page, snaptree }) => {
  const guest = domains.define('outside-job', { start: true });
  const e1 = join(domains.dir, 'outside-job.e1.qcow2');
  virsh('snapshot-create-as', guest.name, 'e1', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${e1}`);
  // As a terminal would: an active commit, left waiting for its pivot once synchronized.
  virsh('blockcommit', guest.name, 'vda', '--active', '--wait');
  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await expect(inspector(page).getByTestId('block-job')).toContainText('A block job on this disk (Active Block Commit) has copied everything and waits to be pivoted or aborted');

  await graph(page).getByTestId('now-node').getByRole('button', { name: 'Take snapshot…' }).click();
  const form = page.getByRole('dialog', { name: `Take a snapshot of ${guest.name}` });
  await form.getByLabel('Name').fill('after');
  await form.getByRole('radio', { name: /^External, disks only/ }).check();
  await form.getByRole('button', { name: 'Show the plan…' }).click();
  const plan = page.getByRole('dialog');
  const blocker = plan.locator('[data-blocker="block-job-running"]');
  await expect(blocker).toContainText(`on the disk vda of ${guest.name}, not started by this plan, has copied everything`);
  // The owner's choice, each command ready to copy.
  await expect(blocker.getByTestId('command')).toHaveText([/blockjob --domain \S+ --path vda --pivot$/, /blockjob --domain \S+ --path vda --abort$/]);
  await expect(plan.getByRole('button', { name: 'Run' })).toBeDisabled();
  await plan.getByRole('button', { name: 'Close' }).click();

  virsh('blockjob', guest.name, 'vda', '--abort');
  // The job's end reaches the window as an event: no refresh.
  await expect(inspector(page).getByTestId('block-job')).toHaveCount(0);
  expect(virsh('domblklist', guest.name)).toContain(e1);
  await snapshotFromNow(page, guest.name, 'after', /^External, disks only/);
  expect(virsh('snapshot-list', '--name', guest.name)).toContain('after');
  expect(virsh('domblklist', guest.name)).toContain(join(domains.dir, 'outside-job.e1.after.qcow2'));
});

test('quiesce is not offered where no guest agent answers, and the dialog says why', async ({ page, snaptree }) => {
  const guest = domains.define('quiet', { start: true, agentChannel: true });
  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await graph(page).getByTestId('now-node').getByRole('button', { name: 'Take snapshot…' }).click();
  const form = page.getByRole('dialog', { name: `Take a snapshot of ${guest.name}` });
  await form.getByRole('radio', { name: /^External, disks only/ }).check();
  // The domain has the agent's channel, but no agent in the guest answers it.
  await expect(form).toContainText('Quiescing is not offered: no guest agent answers in this domain');
  await expect(form.getByLabel(/^Quiesce/)).toHaveCount(0);
  // Asked anyway (from a script, the CLI), the plan is blocked and says why.
  await form.getByRole('button', { name: 'Show the plan…' }).click();
  await expect(page.getByRole('dialog').getByTestId('command')).toContainText('snapshot-create-as');
});

test('a system checkpoint of a running domain, live, keeps its memory in the file the dialog named', async ({ page, snaptree }) => {
  const guest = domains.define('checkpoint', { start: true });
  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await graph(page).getByTestId('now-node').getByRole('button', { name: 'Take snapshot…' }).click();
  const form = page.getByRole('dialog', { name: `Take a snapshot of ${guest.name}` });
  await form.getByRole('radio', { name: /^System checkpoint/ }).check();
  const memory = join(domains.dir, `${guest.name}.snapshot-1.mem`);
  await expect(form.getByLabel('Memory file')).toHaveValue(memory);
  await expect(form.getByLabel('New overlay for vda')).toHaveValue(join(domains.dir, 'checkpoint.snapshot-1.qcow2'));
  await form.getByLabel(/^Live/).check();
  // Quiesce is libvirt's for disk-only snapshots alone: not offered here.
  await expect(form.getByLabel(/^Quiesce/)).toHaveCount(0);
  await form.getByRole('button', { name: 'Show the plan…' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('command').first()).toContainText('--live');
  await plan.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(graph(page).locator('[data-snapshot="snapshot-1"]')).toContainText('with memory');
  expect(existsSync(memory)).toBe(true);
});

test('a snapshot of a domain with a display keeps a picture of its screen: small on the node, large in the inspector', async ({ page, snaptree }) => {
  const guest = domains.define('screen', { start: true, graphics: true });
  await page.goto(snaptree.url);
  await snapshotFromNow(page, guest.name, 'pictured', /^Internal/);
  const thumb = graph(page).locator('[data-snapshot="pictured"] img.snapshot-thumb');
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  await graph(page).locator('[data-snapshot="pictured"]').click();
  const large = inspector(page).locator('img.snapshot-screenshot');
  await expect(large).toBeVisible();
  await expect(large).toHaveAttribute('alt', 'The screen as pictured was taken');
});

test('a running convert is cancelled from its row; the job says what it left, the source is as it was, and the half-made copy waits in the trash until it is emptied', async ({ page, snaptree }) => {
  // A disk of a shut-off domain with 1 GiB of real data, so that the convert runs long enough to cancel.
  const guest = domains.define('cancel');
  execFileSync('qemu-img', ['resize', '-q', guest.disk, '2G']);
  const raw = join(domains.dir, 'cancel-data.raw');
  const fd = openSync(raw, 'w');
  const chunk = Buffer.alloc(1 << 20, 'snaptree ');
  for (let n = 0; n < 1024; n++) writeSync(fd, chunk);
  closeSync(fd);
  execFileSync('qemu-img', ['convert', '-q', '-n', '-f', 'raw', '-O', 'qcow2', raw, guest.disk]);
  const before = execFileSync('qemu-img', ['check', '--output=json', guest.disk], { encoding: 'utf8' });

  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await page.getByRole('complementary').getByRole('button', { name: 'cancel.qcow2' }).first().click();
  await inspector(page).getByRole('button', { name: 'Convert to qcow2…' }).click();
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();

  const row = drawer(page).locator('.job-row').first();
  await expect(row).toHaveAttribute('data-state', 'running');
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(row).toContainText('What it left:');
  expect(execFileSync('qemu-img', ['check', '--output=json', guest.disk], { encoding: 'utf8' })).toBe(before);
  expect(virsh('domblklist', guest.name)).toContain(guest.disk);

  // The part-written copy went to the trash, with the job that put it there; emptying it is a plan of its own.
  const halfMade = join(domains.dir, 'cancel-2.qcow2');
  expect(existsSync(halfMade)).toBe(false);
  await drawer(page).getByRole('tab', { name: /Trash/ }).click();
  await expect(drawer(page).getByTestId('trash-entry')).toContainText(halfMade);
  await expect(drawer(page).locator('[data-trash-job]')).toContainText('Put here by: Convert');
  await drawer(page).getByRole('button', { name: 'Empty trash…' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('command')).toHaveCount(0);
  await expect(plan).toContainText('Space freed');
  await plan.getByRole('button', { name: 'Run' }).click();
  // The drawer shows the new job; the trash is a click away.
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done');
  await drawer(page).getByRole('tab', { name: /Trash/ }).click();
  await expect(drawer(page).getByTestId('trash-entry')).toHaveCount(0);
  await expect(drawer(page)).toContainText('The trash is empty.');
  expect(existsSync(join(domains.dir, '.snaptree-trash'))).toBe(false);
});

test('a new overlay on a domain\'s old disk layer can also define a linked clone: the plan shows the XML it reads and the define; Run defines the clone on the new overlay and leaves the source as it was', async ({ page, snaptree }) => {
  const guest = domains.define('source');
  // The source's disk must stop changing first (rule 1): an external snapshot makes it a backing file.
  virsh('snapshot-create-as', guest.name, 'frozen', '--disk-only', '--diskspec', `vda,snapshot=external,file=${join(domains.dir, 'source.frozen.qcow2')}`);
  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  // The disk's old layer, through the new one's backing file.
  await page.getByRole('complementary').getByRole('button', { name: 'source.frozen.qcow2' }).first().click();
  await inspector(page).locator('.fact', { hasText: 'Backing file' }).getByRole('button', { name: 'source.qcow2' }).click();
  await inspector(page).getByRole('button', { name: 'New overlay…' }).click();
  await inspector(page).getByLabel('Also define a linked-clone domain on it').check();
  await expect(inspector(page).getByLabel(`Name of the clone of ${guest.name}`)).toHaveValue(`${guest.name}-clone`);
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('command').first()).toContainText('qemu-img create');
  await expect(plan.getByTestId('command').filter({ hasText: 'dumpxml --inactive' })).toHaveCount(1);
  await expect(plan.getByTestId('command').filter({ hasText: ' define ' })).toHaveCount(1);
  expect(virsh('list', '--all', '--name')).not.toContain(`${guest.name}-clone`);
  await plan.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  // The clone runs on the new overlay; the source domain is untouched.
  const clone = page.locator(`[data-domain="${guest.name}-clone"]`);
  await expect(clone).toBeVisible();
  expect(virsh('domblklist', `${guest.name}-clone`)).toContain(join(domains.dir, 'source-overlay.qcow2'));
  expect(virsh('domblklist', guest.name)).toContain(join(domains.dir, 'source.frozen.qcow2'));
  expect(virsh('domuuid', `${guest.name}-clone`).trim()).not.toBe(virsh('domuuid', guest.name).trim());
});

test('a convert of a shut-off domain\'s disk puts the old file in the trash, listed with its job; Restore puts it back', async ({ page, snaptree }) => {
  const guest = domains.define('trash');
  await page.goto(snaptree.url);
  await page.locator(`[data-domain="${guest.name}"]`).click();
  await page.getByRole('complementary').getByRole('button', { name: 'trash.qcow2' }).first().click();
  await inspector(page).getByRole('button', { name: 'Convert to qcow2…' }).click();
  await inspector(page).getByRole('button', { name: 'Show the plan…' }).click();
  const plan = page.getByRole('dialog');
  await expect(plan.getByTestId('plan-unused')).toContainText(guest.disk);
  await plan.getByRole('button', { name: 'Run' }).click();
  await expect(drawer(page).locator('.job-row').first()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(existsSync(guest.disk)).toBe(false);

  await drawer(page).getByRole('tab', { name: /Trash/ }).click();
  const entry = drawer(page).getByTestId('trash-entry');
  await expect(entry).toContainText(guest.disk);
  await expect(drawer(page).locator('[data-trash-job]')).toContainText('Put here by:');
  await drawer(page).getByRole('button', { name: 'Restore' }).click();
  await expect(entry).toHaveCount(0);
  expect(existsSync(guest.disk)).toBe(true);
});

test('the same commit run from two terminals at once: the window lists both, and the second says why nothing ran; the layer was folded once', async ({ page, snaptree }) => {
  const dir = join(snaptree.home, 'twice');
  mkdirSync(dir);
  const [base, top] = [join(dir, 'base.qcow2'), join(dir, 'top.qcow2')];
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', base, '1600M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', top]);
  // Enough for the first commit to take a second or two: the second terminal starts meanwhile.
  write(top, 0x5a, '0', '1536M');
  // The CLI with the window's own journal: the same user's terminal.
  const env = { ...process.env, XDG_CONFIG_HOME: join(snaptree.home, 'config'), XDG_DATA_HOME: join(snaptree.home, 'data'), XDG_STATE_HOME: join(snaptree.home, 'state') };
  const terminals: ChildProcess[] = [];
  const cli = () =>
    new Promise<number | null>((resolve) => {
      const terminal = spawn(process.execPath, [bin, 'run', 'commit', top, '--yes'], { env, stdio: 'ignore' });
      terminals.push(terminal);
      terminal.on('exit', resolve);
    });

  await page.goto(snaptree.url);
  try {
    const first = cli();
    await expect(drawer(page).locator('.job-row[data-state="running"]')).toHaveCount(1, { timeout: 30_000 });
    const second = cli();
    expect(await Promise.all([first, second])).toEqual([0, 1]);
  } finally {
    // Never left writing into a folder the fixture removes.
    for (const terminal of terminals) terminal.kill();
  }

  const refused = drawer(page).locator('.job-row[data-state="cancelled"]');
  await expect(refused).toContainText('Why nothing ran:');
  await expect(refused).toContainText('Not started: while it waited for another job, what its plan stands on changed. Nothing ran; plan it again to see what it would do now.');
  await expect(drawer(page).locator('.job-row[data-state="done"]')).toHaveCount(1);
  expect(existsSync(top)).toBe(false);
  // The base now holds what the guest read through the top layer, once.
  const read = execFileSync('qemu-io', ['-r', '-f', 'qcow2', '-c', 'read -P 0x5a 0 1536M', '--', base], { encoding: 'utf8' });
  expect(read).toContain('read 1610612736/1610612736 bytes');
  expect(read).not.toContain('verification failed');
  expect(readdirSync(join(dir, '.snaptree-trash')).flatMap((job) => readdirSync(join(dir, '.snaptree-trash', job)))).toEqual(['top.qcow2']);
});
