/**
 * The Tools panel's and the connections' errors that are the core's own sentences, said
 * through the catalogues; libvirt's own words are sent as they are, with no key. Asked
 * of this machine, with a search path that holds no tool where the sentence needs one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { say, type Said } from '../../shared/messages/problems.js';
import { daemonFacts } from '../../shared/tools/versions.js';
import { LocalHost } from './host/local.js';
import { LibvirtConnections } from './libvirt/connections.js';
import { expectSaidInBoth } from './said.test-support.js';
import { checkTools } from './tools/check.js';

const savedPath = process.env.PATH;
const savedUri = process.env.LIBVIRT_DEFAULT_URI;
let empty: string;
beforeEach(() => {
  empty = mkdtempSync(join(tmpdir(), 'snaptree-tools-keys-'));
});
afterEach(() => {
  process.env.PATH = savedPath;
  if (savedUri === undefined) delete process.env.LIBVIRT_DEFAULT_URI;
  else process.env.LIBVIRT_DEFAULT_URI = savedUri;
  rmSync(empty, { recursive: true, force: true });
});

/** The error and its sentence, which must say the same. */
function sentenceOf(status: { error: string | null; errorSentence?: Said }): Said {
  expect(status.errorSentence).toBeDefined();
  expect(status.errorSentence!.message).toBe(status.error);
  return status.errorSentence!;
}

describe('the core’s own words about the tools', () => {
  it('say a missing qemu-img and virsh, and the daemon that cannot be asked, by key and values', async () => {
    process.env.PATH = empty;
    const report = await checkTools(new LocalHost());
    const said = [sentenceOf(report.qemuImg), sentenceOf(report.virsh), sentenceOf(report.daemon)];
    expect(said.map((sentence) => sentence.key)).toEqual(['tools.notInstalled', 'tools.notInstalled', 'tools.virshNeeded']);
    expect(report.qemuImg.error).toBe('qemu-img is not installed: install the package qemu-utils');

    const connections = new LibvirtConnections(new LocalHost(), () => {});
    try {
      await connections.follow(['qemu:///system']);
      const [connection] = connections.current();
      said.push(sentenceOf(connection!));
      expect(connection!.error).toBe('virsh is not installed: install the package libvirt-clients');
    } finally {
      connections.close();
    }
    // A daemon that printed nothing at all; a version qemu-img would not print.
    said.push(sentenceOf(daemonFacts('qemu:///system', '', '', '')), say('tools.unexpectedVersion', { name: 'qemu-img', output: 'hello' }));
    expectSaidInBoth(said);
  });

  it("send libvirt's own words as they are, with no sentence of the catalogue", async () => {
    process.env.LIBVIRT_DEFAULT_URI = 'qemu:///system?socket=/nonexistent/snaptree-test.sock';
    const report = await checkTools(new LocalHost());
    expect(report.daemon.error).toContain("Failed to connect socket to '/nonexistent/snaptree-test.sock'");
    expect(report.daemon.errorSentence).toBeUndefined();
  });
});
