import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { expect, test } from './snaptree';

/** Opens the API socket as a given origin with given headers; resolves to the first reply or the refusal. */
function openApi(url: string, headers: Record<string, string>): Promise<{ opened: boolean; status?: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve({ opened: true, socket }));
    socket.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    socket.once('error', () => resolve({ opened: false }));
  });
}

/** Sends one frame and resolves to the server's answer to it, skipping pushed events. */
function ask(socket: WebSocket, message: object): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'event') return;
      socket.off('message', onMessage);
      resolve(frame);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify(message));
  });
}

test('pages answer 401 without the token or with a wrong one', async ({ request, snaptree }) => {
  expect((await request.get(`${snaptree.origin}/`)).status()).toBe(401);
  expect((await request.get(`${snaptree.origin}/?token=wrong`)).status()).toBe(401);
  expect((await request.get(`${snaptree.origin}/favicon.svg`)).status()).toBe(401);
  const page = await request.get(snaptree.url);
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain('<div id="root">');
});

/** Tries a TCP connection: 'open' when something accepts it, else the error's code (ECONNREFUSED). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

/** The local addresses (`127.0.0.1:41235`) of the TCP sockets a process listens on, from `ss`. */
function listeningAddresses(pid: number): string[] {
  return execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => line.trim().split(/\s+/)[3]!);
}

test('the server listens on 127.0.0.1 only', async ({ snaptree }) => {
  const port = Number(new URL(snaptree.origin).port);
  expect(new URL(snaptree.url).hostname).toBe('127.0.0.1');
  expect(await tryConnect('127.0.0.1', port)).toBe('open');
  // Bound to 0.0.0.0 (or ::), the server would also answer on the machine's other addresses.
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal);
  if (outside) {
    expect(await tryConnect(outside.address, port)).toBe('ECONNREFUSED');
  } else {
    const addresses = listeningAddresses(snaptree.pid);
    expect(addresses).toContain(`127.0.0.1:${port}`);
    expect(addresses.filter((address) => !address.startsWith('127.0.0.1:'))).toEqual([]);
  }
});

test('the API socket refuses a missing token, a wrong token and a foreign origin', async ({ snaptree }) => {
  const api = `${snaptree.origin.replace('http', 'ws')}/api`;
  const cookie = `snaptree_token_${new URL(snaptree.origin).port}=${snaptree.token}`;

  expect(await openApi(api, { origin: snaptree.origin })).toMatchObject({ opened: false, status: 401 });
  expect(await openApi(`${api}?token=wrong`, { origin: snaptree.origin })).toMatchObject({ opened: false, status: 401 });
  expect(await openApi(api, { origin: 'http://evil.example', cookie })).toMatchObject({ opened: false, status: 401 });

  const good = await openApi(api, { origin: snaptree.origin, cookie });
  expect(good.opened).toBe(true);
  const reply = (await ask(good.socket!, { id: 1, name: 'toolsCheck', arg: {} })) as { reply: { ok: boolean } };
  expect(reply.reply.ok).toBe(true);
  good.socket!.close();
});

test('a request with a wrong argument gets an error naming the field, and the core keeps serving', async ({ snaptree }) => {
  const api = `${snaptree.origin.replace('http', 'ws')}/api`;
  const { socket } = await openApi(`${api}?token=${snaptree.token}`, { origin: snaptree.origin });
  const bad = (await ask(socket!, { id: 7, name: 'toolsCheck', arg: { path: '/etc' } })) as {
    id: number;
    reply: { ok: false; error: { kind: string; field: string } };
  };
  expect(bad.id).toBe(7);
  expect(bad.reply.error).toMatchObject({ kind: 'validation', field: 'path' });
  const garbage = (await ask(socket!, { nonsense: true })) as { type: string };
  expect(garbage.type).toBe('protocol-error');
  const good = (await ask(socket!, { id: 8, name: 'toolsCheck', arg: {} })) as { reply: { ok: boolean } };
  expect(good.reply.ok).toBe(true);
  socket!.close();
});
