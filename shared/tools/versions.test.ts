import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canRevertExternalSnapshots, parseDaemonVersion, parseQemuImgVersion, parseVirshVersion, virshErrorText } from './versions.js';

/** Output captured from qemu-img 7.2 and libvirt 9.0 on Debian 12. */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('version parsers on captured output', () => {
  it('reads the qemu-img version without the Debian suffix', () => {
    expect(parseQemuImgVersion(fixture('qemu-img-version.txt'))).toBe('7.2.22');
  });
  it('reads the bare virsh version', () => {
    expect(parseVirshVersion(fixture('virsh-version.txt'))).toBe('9.0.0');
    expect(parseVirshVersion('error: something\n')).toBeNull();
  });
  it('reads the daemon and hypervisor versions from virsh version --daemon', () => {
    expect(parseDaemonVersion(fixture('virsh-version-daemon.txt'))).toEqual({
      daemon: '9.0.0',
      hypervisor: 'QEMU',
      hypervisorVersion: '7.2.22',
    });
  });
  it('finds no daemon version when the daemon did not answer', () => {
    expect(parseDaemonVersion('').daemon).toBeNull();
  });
  it('knows libvirt 9.0 cannot revert external snapshots itself', () => {
    expect(canRevertExternalSnapshots(fixture('virsh-capabilities-9.0.xml'))).toBe(false);
  });
  it('recognises the <externalSnapshot/> feature of libvirt 9.9 and newer', () => {
    const newer = fixture('virsh-capabilities-9.0.xml').replaceAll(
      "<disksnapshot default='on' toggle='no'/>",
      "<disksnapshot default='on' toggle='no'/>\n      <externalSnapshot/>",
    );
    expect(canRevertExternalSnapshots(newer)).toBe(true);
  });
  it("turns virsh's two error lines into one sentence", () => {
    expect(virshErrorText(fixture('virsh-unreachable.stderr.txt'))).toBe(
      "failed to connect to the hypervisor: Failed to connect socket to '/nonexistent/sock': No such file or directory",
    );
  });
});
