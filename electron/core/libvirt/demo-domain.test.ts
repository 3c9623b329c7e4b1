import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { say } from '../../../shared/messages/problems.js';
import { LocalHost } from '../host/local.js';
import { expectSaidInBoth } from '../said.test-support.js';
import { createDemoWorkspace } from '../images/demo.js';
import { createDemoDomain, type DemoDomain } from './demo-domain.js';
import { URI, virsh } from './domains.test-support.js';
import { inventoryConnection } from './inventory.js';
import { screenshotPng } from './screenshot.js';

const host = new LocalHost();
const NO_DAEMON = 'qemu+unix:///system?socket=/nonexistent/snaptree-demo-test.sock';
/** This test's own names: the demo's prefix, then a random part no other run shares. */
const BASE = `snaptree-demo-test-${randomBytes(4).toString('hex')}`;
let dir: string;
let taken: string;
let made: DemoDomain | null;
let takenXml: string;

/** Removes only what this test defined: the domain it put in the way, and the demo's. */
function removeOwn(name: string): void {
  try {
    virsh('destroy', '--domain', name);
  } catch {
    // shut off already
  }
  try {
    virsh('undefine', '--domain', name, '--snapshots-metadata');
  } catch {
    // never defined
  }
}

beforeAll(async () => {
  vi.stubEnv('LIBVIRT_DEFAULT_URI', URI);
  dir = mkdtempSync(join(tmpdir(), 'snaptree-demo-domain-'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'RootBase.qcow2'), '64M']);
  // A domain already named as the demo would be named first: it must stay as it is.
  taken = BASE;
  const xml = join(dir, 'taken.xml');
  writeFileSync(xml, `<domain type='qemu'><name>${taken}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
  virsh('define', '--file', xml);
  takenXml = virsh('dumpxml', '--domain', taken);
  made = await createDemoDomain(host, '/usr/bin/qemu-img', dir, { base: { name: 'RootBase.qcow2', format: 'qcow2' }, dataDir: join(dir, 'data'), name: BASE });
}, 60_000);
afterAll(() => {
  vi.unstubAllEnvs();
  removeOwn(taken);
  if (made !== null) removeOwn(made.name);
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo domain, where a libvirt daemon answers', () => {
  it('takes the next free name and leaves the domain that had the first one untouched', () => {
    expect(made).toMatchObject({ uri: URI, name: `${BASE}-2` });
    expect(virsh('dumpxml', '--domain', taken)).toBe(takenXml);
  });

  it('runs with a display, its disk an overlay in the demo folder, with an internal and an external snapshot', async () => {
    const connection = await inventoryConnection(host, '/usr/bin/virsh', URI);
    const domain = connection.domains.find((candidate) => candidate.uuid === made!.uuid)!;
    expect(domain).toMatchObject({ name: made!.name, state: 'running', display: true, persistent: true });
    expect(domain.disks.map((disk) => [disk.target, disk.chain])).toEqual([['vda', [join(dir, 'Demo-guest.before-update.qcow2'), join(dir, 'Demo-guest.qcow2'), join(dir, 'RootBase.qcow2')]]]);
    expect(domain.snapshots.map((snapshot) => [snapshot.name, snapshot.memory, snapshot.disks.map((disk) => disk.snapshot)])).toEqual([
      ['before update', 'no', ['external']],
      ['first boot', 'internal', ['internal']],
    ]);
    expect(virsh('dumpxml', '--domain', made!.name)).toMatch(/<memory unit='KiB'>65536<\/memory>[\s\S]*<graphics type='vnc' port='\d+' autoport='yes' listen='127\.0\.0\.1'>/);
  });

  it('keeps a screenshot of each snapshot where the window looks for it', async () => {
    for (const snapshot of ['first boot', 'before update']) {
      expect(await screenshotPng(join(dir, 'data'), made!.uuid, snapshot), snapshot).toMatch(/^data:image\/png;base64,/);
    }
  });
});

describe('the demo where no libvirt daemon answers', () => {
  let demo: string;
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(demo, { recursive: true, force: true });
  });

  for (const uri of [NO_DAEMON, 'test:///default']) {
    it(`is made as before, with no domain and no complaint (${uri})`, async () => {
      vi.stubEnv('LIBVIRT_DEFAULT_URI', uri);
      demo = mkdtempSync(join(tmpdir(), 'snaptree-demo-nodaemon-'));
      expect(await createDemoWorkspace(host, '/usr/bin/qemu-img', demo, { dataDir: join(demo, 'data') })).toEqual({ domain: null, problem: null });
      expect(readdirSync(demo)).toContain('RootBase.qcow2');
      expect(readdirSync(demo)).not.toContain('Demo-guest.qcow2');
      expect(existsSync(join(demo, 'data'))).toBe(false);
    }, 60_000);
  }
});

describe('a demo domain that could not be made', () => {
  it('is said in both languages, with the words of virsh', () => {
    expectSaidInBoth([say('libvirt.demoDomain.failed', { uri: URI, detail: "virsh failed (exit code 1): error: Failed to start domain 'snaptree-demo-guest'" })]);
  });
});
