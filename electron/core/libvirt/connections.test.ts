import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalHost } from '../host/local.js';
import { LibvirtConnections } from './connections.js';

/** The system daemon's socket: the tests reach the real libvirtd through a door of their own. */
const DAEMON_SOCKET = '/run/libvirt/libvirt-sock';

/** A unix socket that forwards every connection to the daemon's: a daemon that can be "started" later. */
function door(path: string): Promise<Server> {
  const server = createServer((client) => {
    const daemon = connect(DAEMON_SOCKET);
    client.pipe(daemon).pipe(client);
    const close = () => {
      client.destroy();
      daemon.destroy();
    };
    client.on('error', close);
    daemon.on('error', close);
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

describe('a libvirt connection kept live', () => {
  let dir: string;
  let server: Server | null = null;
  let connections: LibvirtConnections | null = null;
  afterEach(() => {
    connections?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(DAEMON_SOCKET))('is read once the daemon answers, though it did not when Snaptree started', async () => {
    dir = mkdtempSync(join(tmpdir(), 'snaptree-door-'));
    const socket = join(dir, 'libvirt-sock');
    const uri = `qemu:///system?socket=${socket}`;
    let changes = 0;
    connections = new LibvirtConnections(new LocalHost(), () => changes++);

    await connections.follow([uri]);
    const [first] = connections.current();
    expect(first).toMatchObject({ reachable: false, error: expect.stringContaining('Failed to connect socket') });

    // The daemon "starts": its socket appears after Snaptree gave up the first time.
    server = await door(socket);
    const deadline = Date.now() + 20_000;
    // Read, and the window told: a read may take another round first (events of other guests
    // on the host arrive meanwhile), and the window is told when the last round ends.
    while ((!connections.current()[0]!.reachable || changes < 2) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections.current()[0]).toMatchObject({ reachable: true, error: null, libvirtVersion: expect.stringMatching(/^\d+\.\d+/) });
    expect(changes).toBeGreaterThan(1);
  }, 30_000);
});
