import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { runVirshBatch } from './batch.js';
import { DAEMON_SOCKET, door } from './daemon-door.test-support.js';
import { testDomains, URI, virsh, type TestDomains } from './domains.test-support.js';
import { inventoryConnection, refreshDomains } from './inventory.js';
import { VirshSession } from './session.js';
import { LibvirtConnections } from './connections.js';

const VIRSH = '/usr/bin/virsh';

/** The local host, counting the virsh processes it starts and the lines written to shells. */
function counting(): { host: Host; processes: () => number; lines: () => number } {
  const local = new LocalHost();
  let processes = 0;
  let lines = 0;
  const host: Host = {
    name: local.name,
    run: (command) => {
      processes++;
      return local.run(command);
    },
    stream: (command) => local.stream(command),
    follow: (argv, onLine) => local.follow(argv, onLine),
    converse: (argv, onStdout, options) => {
      const shell = local.converse(argv, onStdout, options);
      return { ...shell, write: (text) => ((lines += text.split('\n').length - 1), shell.write(text)) };
    },
    findProgram: (program) => local.findProgram(program),
    defaultLibvirtUri: () => local.defaultLibvirtUri(),
  };
  return { host, processes: () => processes, lines: () => lines };
}

describe.skipIf(!existsSync(DAEMON_SOCKET))("virsh's shell kept open for small reads", () => {
  let domains: TestDomains;
  let plain: string;
  let quoted: string;
  let unicode: string;
  beforeAll(() => {
    domains = testDomains();
    plain = domains.define('plain').name;
    // Printable ASCII goes through the shell, quoted; a name with bytes readline would take as keys does not.
    quoted = domains.define(`it's; list --all $(id) --x`).name;
    unicode = domains.define('ünï 测试').name;
    virsh('snapshot-create-as', '--domain', plain, '--name', 's1');
  });
  afterAll(() => domains?.remove());

  const commandsFor = (name: string) => [
    ['domstate', '--domain', name, '--reason'],
    ['dumpxml', '--domain', name],
    ['domstate', '--domain', `${domains.prefix}-nosuch`],
    ['snapshot-list', '--domain', name, '--name'],
  ];

  it('answers each command as a virsh process of its own does, a failed one empty, over one shell', async () => {
    const { host, processes, lines } = counting();
    const session = new VirshSession(host, VIRSH, URI);
    try {
      for (const name of [plain, quoted]) {
        const ours = await session.run(commandsFor(name));
        const theirs = await runVirshBatch(new LocalHost(), VIRSH, URI, commandsFor(name));
        expect(ours).toEqual(theirs.outputs);
        expect(ours[1]).toContain(`<name>${name.replaceAll("'", '&apos;')}</name>`);
        expect(ours[2]!.trim()).toBe('');
      }
      expect((await session.run(commandsFor(plain)))[3]!.trim()).toBe('s1');
      expect(processes()).toBe(0);
      expect(lines()).toBe(3);
    } finally {
      session.close();
    }
  });

  it('sends a name with bytes the shell would edit to a virsh process of its own', async () => {
    const { host, processes, lines } = counting();
    const session = new VirshSession(host, VIRSH, URI);
    try {
      const outputs = await session.run(commandsFor(unicode));
      expect(outputs[1]).toContain(`<name>${unicode}</name>`);
      expect(processes()).toBe(1);
      expect(lines()).toBe(0);
    } finally {
      session.close();
    }
  });

  it('gives a refresh that read nothing new the connection it had, and a new one once a snapshot is made', async () => {
    const session = new VirshSession(new LocalHost(), VIRSH, URI);
    try {
      const previous = await inventoryConnection(new LocalHost(), VIRSH, URI);
      const same = await refreshDomains(new LocalHost(), VIRSH, previous, [plain], { session });
      expect(same).toBe(previous);
      virsh('snapshot-create-as', '--domain', plain, '--name', 's2');
      const changed = await refreshDomains(new LocalHost(), VIRSH, previous, [plain], { session });
      expect(changed).not.toBe(previous);
      expect(changed.domains.find((domain) => domain.name === plain)?.snapshots.map((snapshot) => snapshot.name)).toEqual(['s1', 's2']);
    } finally {
      session.close();
    }
  });

  it('fails a read under way when it is closed, and starts no shell for one queued behind it', async () => {
    const { host, processes, lines } = counting();
    const session = new VirshSession(host, VIRSH, URI);
    const reading = session.run(commandsFor(plain));
    const queued = session.run(commandsFor(plain));
    session.close();
    await expect(reading).rejects.toThrow(/closed/);
    // A read after the close goes to a process of its own, as for a connection no longer followed.
    await expect(queued).rejects.toThrow(/closed/);
    expect(lines()).toBeLessThanOrEqual(1);
    expect((await session.run(commandsFor(plain)))[1]).toContain(`<name>${plain}</name>`);
    expect(processes()).toBe(1);
  });

  it('starts another shell after a read that timed out', async () => {
    const session = new VirshSession(new LocalHost(), VIRSH, URI);
    try {
      // 1 ms: virsh has not even connected.
      await expect(session.run(commandsFor(plain), 1)).rejects.toThrow(/did not answer/);
      expect((await session.run(commandsFor(plain)))[1]).toContain(`<name>${plain}</name>`);
    } finally {
      session.close();
    }
  });

  it('reads on after the daemon restarts, and a refresh fails instead of dropping domains when the daemon is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaptree-session-'));
    const socket = join(dir, 'libvirt-sock');
    const uri = `qemu:///system?socket=${socket}`;
    const { server, cut } = await door(socket);
    const session = new VirshSession(new LocalHost(), VIRSH, uri);
    try {
      const previous = await inventoryConnection(new LocalHost(), VIRSH, uri);
      const refreshed = () => refreshDomains(new LocalHost(), VIRSH, previous, [plain], { session });
      const names = (connection: { domains: { name: string }[] }) => connection.domains.map((domain) => domain.name).filter((name) => name.startsWith(domains.prefix));
      expect(names(await refreshed())).toEqual(names(previous));
      expect(names(previous)).toContain(plain);

      cut(); // the daemon restarts: virsh reconnects by itself
      expect(names(await refreshed())).toEqual(names(previous));

      server.close();
      cut(); // the daemon stops
      // Which of the two virsh says first is a race: it prints the lost connection, or it ends.
      await expect(refreshed()).rejects.toThrow(/lost its connection|virsh ended while reading/);
    } finally {
      session.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("refuses a job's start when the domains its plan stands on cannot be read again: the daemon stopped", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaptree-session-'));
    const socket = join(dir, 'libvirt-sock');
    const uri = `qemu:///system?socket=${socket}`;
    const { server, cut } = await door(socket);
    const connections = new LibvirtConnections(new LocalHost(), () => undefined);
    try {
      await connections.follow([uri]);
      await connections.refreshDomainsNow([{ uri, name: plain }]);
      expect(connections.current()[0]!.domains.map((domain) => domain.name)).toContain(plain);
      server.close();
      cut();
      await expect(connections.refreshDomainsNow([{ uri, name: plain }])).rejects.toMatchObject({ said: { key: 'jobs.refused.unread', values: { uri, domains: plain } } });
      // The view keeps what it last read, said as it was.
      expect(connections.current()[0]!.domains.map((domain) => domain.name)).toContain(plain);
    } finally {
      connections.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
