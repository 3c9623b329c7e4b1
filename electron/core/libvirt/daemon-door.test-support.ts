/**
 * A daemon that restarts or stops, for tests, without touching the one other tests share:
 * a unix socket of the test's own that forwards to the system daemon's, whose connections
 * can be cut (a restart: virsh connects again) or refused (the server closed: a stop).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export const DAEMON_SOCKET = '/run/libvirt/libvirt-sock';

/** A unix socket that forwards to the daemon's, whose connections can be cut: a daemon that restarts or stops. */
export async function door(path: string): Promise<{ server: Server; cut: () => void }> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const daemon = connect(DAEMON_SOCKET);
    client.pipe(daemon).pipe(client);
    open.add(client);
    const close = () => {
      open.delete(client);
      client.destroy();
      daemon.destroy();
    };
    client.on('error', close);
    daemon.on('error', close);
    client.on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(path, () => resolve()));
  return { server, cut: () => [...open].forEach((socket) => socket.destroy()) };
}

