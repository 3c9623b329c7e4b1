import { execFileSync } from 'node:child_process';
import { expect, serveSnaptree, test } from './snaptree';

// The real daemon, with the domains these tests make.
test.use({ libvirtUri: 'qemu:///system' });

const run = (argv: string[]): string => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });

test('the window opens with sidebar, graph, inspector and jobs, each saying what will appear', async ({ page, snaptree }) => {
  await page.goto(snaptree.url);
  await expect(page.getByRole('navigation', { name: 'Hosts, domains and folders' })).toContainText('Watched folders');
  await expect(page.getByRole('main', { name: 'Graph' })).toContainText('Your disk forest will appear here');
  await expect(page.getByRole('contentinfo', { name: 'Jobs' })).toContainText('No jobs yet');
  // The token left the address bar once the page had it.
  expect(page.url()).not.toContain('token=');
});

test('the Tools panel shows the real qemu-img and virsh versions and the live libvirt daemon', async ({ page, snaptree }) => {
  const qemuImgVersion = /qemu-img version (\S+)/.exec(run(['qemu-img', '--version']))![1]!;
  const virshVersion = run(['virsh', '--version']).trim();
  const daemonVersion = /Running against daemon: (\S+)/.exec(run(['virsh', '-c', 'qemu:///system', 'version', '--daemon']))![1]!;

  await page.goto(snaptree.url);
  const tools = page.getByRole('region', { name: 'Tools' });
  await expect(tools.getByTestId('tool-qemu-img')).toContainText(qemuImgVersion);
  await expect(tools.getByTestId('tool-qemu-img')).toContainText('/qemu-img');
  await expect(tools.getByTestId('tool-virsh')).toContainText(virshVersion);
  const daemon = tools.getByTestId('tool-libvirtd');
  await expect(daemon).toContainText(`libvirt ${daemonVersion}`);
  await expect(daemon).toContainText('qemu:///system');
  await expect(daemon).toHaveClass(/\bok\b/);
  // What this libvirt can do, and nothing Snaptree cannot do yet.
  await expect(tools.getByTestId('external-revert')).toHaveText(/^(libvirt reverts external snapshots itself|not in this libvirt \(needs 9\.9\): virsh snapshot-revert refuses external snapshots here)$/);
  await expect(page.getByRole('navigation')).toContainText('qemu:///system');
});

test("a daemon that does not answer shows libvirt's own error and what to install", async ({ page }) => {
  const served = await serveSnaptree({ LIBVIRT_DEFAULT_URI: 'qemu:///system?socket=/nonexistent/snaptree-e2e.sock' });
  try {
    await page.goto(served.url);
    const daemon = page.getByTestId('tool-libvirtd');
    await expect(daemon).toContainText("Failed to connect socket to '/nonexistent/snaptree-e2e.sock'");
    await expect(daemon).toContainText('libvirt-daemon-system');
    await expect(page.getByRole('navigation')).toContainText('libvirt not answering');
  } finally {
    await served.stop();
  }
});
