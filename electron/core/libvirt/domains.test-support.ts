/**
 * Real libvirt domains for tests: TCG guests with no OS, 64 MiB, one qcow2 disk in a
 * temporary folder, under a unique name prefix. Each test removes what it made, and
 * never touches a domain whose name lacks its own prefix.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';

export const URI = 'qemu:///system';

export const virsh = (...args: string[]): string =>
  execFileSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });

export interface TestDomains {
  readonly prefix: string;
  readonly dir: string;
  /**
   * Defines (and optionally starts) a domain `<prefix>-<name>` with a fresh disk; returns its full name.
   * `graphics`: a VNC display on 127.0.0.1 (any free port) and a VGA card, so `virsh screenshot` works.
   * `agentChannel`: the guest agent's virtio channel, with no agent behind it (the guest has no OS).
   * `devices`: more device XML (a NIC, a second disk).
   */
  define(name: string, options?: { start?: boolean; graphics?: boolean; agentChannel?: boolean; devices?: string }): { name: string; disk: string };
  /** Destroys and undefines every domain with the prefix, and removes the folder. */
  remove(): void;
}

/** Text for an XML attribute or element: a domain's name may hold quotes and ampersands. */
const xmlText = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll("'", '&apos;').replaceAll('"', '&quot;');

export function testDomains(): TestDomains {
  const prefix = `snaptree-test-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    prefix,
    dir,
    define(name, options = {}) {
      const full = `${prefix}-${name}`;
      const disk = join(dir, `${name}.qcow2`);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
      const xml = join(dir, `${name}.xml`);
      writeFileSync(
        xml,
        `<domain type='qemu'><name>${xmlText(full)}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${xmlText(disk)}'/><target dev='vda' bus='virtio'/></disk>
            ${options.graphics ? "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/><video><model type='vga'/></video>" : ''}
            ${options.agentChannel ? "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>" : ''}
            ${options.devices ?? ''}
          </devices>
        </domain>`,
      );
      virsh('define', xml);
      if (options.start) virsh('start', full);
      return { name: full, disk };
    },
    remove() {
      const names = virsh('list', '--all', '--name').split('\n').filter((name) => name.startsWith(`${prefix}-`));
      for (const name of names) {
        try {
          virsh('destroy', name);
        } catch {
          // already shut off
        }
        try {
          virsh('undefine', name, '--snapshots-metadata', '--managed-save');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A test file's own domains, and a scratch folder beside them (a journal, a state folder, bytes read out). */
export interface FileDomains {
  readonly domains: TestDomains;
  readonly scratch: string;
}

/**
 * Made before the test file's first test and removed after its last, whatever the tests
 * left (a domain still running, its snapshots). Outside the domains' folder: a scan of
 * their disks must not find what the tests keep beside them.
 */
export function domainsOfFile(label: string): FileDomains {
  let domains: TestDomains | undefined;
  let scratch: string | undefined;
  beforeAll(() => {
    domains = testDomains();
    scratch = mkdtempSync(join(tmpdir(), `snaptree-${label}-`));
  });
  afterAll(() => {
    domains?.remove();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);
  return {
    get domains() {
      return domains!;
    },
    get scratch() {
      return scratch!;
    },
  };
}
