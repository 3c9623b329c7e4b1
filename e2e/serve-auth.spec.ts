import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../shared/wire';
import { expect, test, type ServedSnaptree } from './snaptree';

/** The subprotocols the page offers: the API's, and one carrying the run's token. */
const protocolsFor = (token: string): string[] => [API_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];

type Opened = { opened: true; socket: WebSocket; protocol: string } | { opened: false; status?: number; headers?: Record<string, unknown> };

/** Opens the API socket with given subprotocols and headers; resolves to the open socket or the refusal. */
function openApi(url: string, protocols: string[], headers: Record<string, string>): Promise<Opened> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, protocols, { headers });
    socket.once('open', () => resolve({ opened: true, socket, protocol: socket.protocol }));
    socket.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode, headers: res.headers }));
    socket.once('error', () => resolve({ opened: false }));
  });
}

const apiUrl = (snaptree: ServedSnaptree): string => `${snaptree.origin.replace('http', 'ws')}/api`;

/** The API socket as the page opens it. */
async function openAsPage(snaptree: ServedSnaptree): Promise<WebSocket> {
  const opened = await openApi(apiUrl(snaptree), protocolsFor(snaptree.token), { origin: snaptree.origin });
  if (!opened.opened) throw new Error(`the API socket was refused: ${opened.status}`);
  return opened.socket;
}

/** Sends one frame and resolves to the server's answer to it, skipping pushed events. */
function ask(socket: WebSocket, message: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onClose = (code: number): void => reject(new Error(`the socket closed (${code}) before the answer`));
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'event') return;
      socket.off('message', onMessage);
      socket.off('close', onClose);
      resolve(frame);
    };
    socket.on('message', onMessage);
    socket.once('close', onClose);
    socket.send(JSON.stringify(message));
  });
}

test('the printed URL carries the token only in its fragment, which the browser never sends', ({ snaptree }) => {
  const url = new URL(snaptree.url);
  expect(url.search).toBe('');
  expect(url.hash).toBe(`#token=${snaptree.token}`);
});

test('the app is served without a cookie, and every answer says nosniff', async ({ request, snaptree }) => {
  for (const path of ['/', '/favicon.svg']) {
    const answer = await request.get(`${snaptree.origin}${path}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['x-content-type-options']).toBe('nosniff');
    expect(answer.headers()['set-cookie']).toBeUndefined();
  }
  expect(await (await request.get(`${snaptree.origin}/`)).text()).toContain('<div id="root">');
  const missing = await request.get(`${snaptree.origin}/no-such-file.js`);
  expect(missing.status()).toBe(404);
  expect(missing.headers()['x-content-type-options']).toBe('nosniff');

  const refused = await openApi(apiUrl(snaptree), [], { origin: snaptree.origin });
  expect(refused).toMatchObject({ opened: false, status: 401 });
  expect(refused.opened === false && refused.headers?.['x-content-type-options']).toBe('nosniff');
});

test('the page keeps its token out of the address bar and out of cookies, also after a reload', async ({ page, snaptree }) => {
  await page.goto(snaptree.url);
  const qemuImg = page.getByRole('region', { name: 'Tools' }).getByTestId('tool-qemu-img');
  await expect(qemuImg).toContainText('/qemu-img');
  expect(page.url()).toBe(`${snaptree.origin}/`);
  expect(await page.context().cookies()).toEqual([]);
  await page.reload();
  await expect(qemuImg).toContainText('/qemu-img');
});

test('a page opened without the token says which URL to open', async ({ browser, snaptree }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${snaptree.origin}/`);
  await expect(page.getByRole('region', { name: 'Tools' })).toContainText('open the URL that `snaptree serve` printed');
  await page.context().close();
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

test('the API socket refuses a missing token, a wrong one, a token in the URL or a cookie, and a foreign origin', async ({ snaptree }) => {
  const api = apiUrl(snaptree);
  const origin = { origin: snaptree.origin };
  const refused = { opened: false, status: 401 };
  expect(await openApi(api, [], origin)).toMatchObject(refused);
  expect(await openApi(api, ['snaptree'], origin)).toMatchObject(refused);
  expect(await openApi(api, protocolsFor('wrong'), origin)).toMatchObject(refused);
  expect(await openApi(`${api}?token=${snaptree.token}`, ['snaptree'], origin)).toMatchObject(refused);
  expect(await openApi(api, ['snaptree'], { ...origin, cookie: `snaptree_token_${new URL(snaptree.origin).port}=${snaptree.token}` })).toMatchObject(refused);
  expect(await openApi(api, protocolsFor(snaptree.token), { origin: 'http://evil.example' })).toMatchObject(refused);

  const good = await openApi(api, protocolsFor(snaptree.token), origin);
  expect(good).toMatchObject({ opened: true, protocol: 'snaptree' });
  const socket = (good as { socket: WebSocket }).socket;
  expect(((await ask(socket, { id: 1, name: 'appInfo', arg: {} })) as { reply: { ok: boolean } }).reply.ok).toBe(true);
  socket.close();
});

test('a request with a wrong argument gets an error naming the field, and the core keeps serving', async ({ snaptree }) => {
  const socket = await openAsPage(snaptree);
  const bad = (await ask(socket, { id: 7, name: 'toolsCheck', arg: { path: '/etc' } })) as {
    id: number;
    reply: { ok: false; error: { kind: string; field: string } };
  };
  expect(bad.id).toBe(7);
  expect(bad.reply.error).toMatchObject({ kind: 'validation', field: 'path' });
  const garbage = (await ask(socket, { nonsense: true })) as { type: string };
  expect(garbage.type).toBe('protocol-error');
  const good = (await ask(socket, { id: 8, name: 'toolsCheck', arg: {} })) as { reply: { ok: boolean } };
  expect(good.reply.ok).toBe(true);
  socket.close();
});

test('300 tools checks sent at once share their runs: each is answered, with few reports pushed', async ({ snaptree }) => {
  const socket = await openAsPage(snaptree);
  const replies = new Map<number, { ok: boolean }>();
  let pushed = 0;
  const allAnswered = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id: number; event: string; reply: { ok: boolean } };
      if (frame.type === 'event' && frame.event === 'toolsChecked') pushed++;
      if (frame.type === 'reply') replies.set(frame.id, frame.reply);
      if (replies.size === 300) resolve();
    });
  });
  for (let id = 1; id <= 300; id++) socket.send(JSON.stringify({ id, name: 'toolsCheck', arg: {} }));
  await allAnswered;
  expect([...replies.values()].every((reply) => reply.ok)).toBe(true);
  // One run per check that started while none ran: before, every request had its own.
  expect(pushed).toBeLessThanOrEqual(5);
  socket.close();
});

/** A client frame: FIN, the opcode and flags of `first`, masked unless told not to. */
function clientFrame(first: number, payload: Buffer, masked = true): Buffer {
  if (!masked) return Buffer.concat([Buffer.from([first, payload.length]), payload]);
  const mask = randomBytes(4);
  return Buffer.concat([Buffer.from([first, 0x80 | payload.length]), mask, payload.map((byte, index) => byte ^ mask[index % 4]!)]);
}

/** Only the header of a text frame announcing `length` bytes: the server must refuse it before they come. */
function announcedFrame(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  randomBytes(4).copy(header, 10);
  return header;
}

/** A TCP socket upgraded by hand, as the page's browser would do it. */
function rawApi(snaptree: ServedSnaptree): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const url = new URL(snaptree.origin);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.on('error', reject);
    socket.write(
      [
        'GET /api HTTP/1.1',
        `Host: ${url.host}`,
        `Origin: ${snaptree.origin}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Protocol: ${protocolsFor(snaptree.token).join(', ')}`,
        '',
        '',
      ].join('\r\n'),
    );
    let answer = '';
    const onData = (chunk: Buffer): void => {
      answer += chunk.toString('latin1');
      if (!answer.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!answer.startsWith('HTTP/1.1 101')) reject(new Error(`the upgrade was refused: ${answer}`));
      else resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** Writes one frame and resolves to the code of the close frame the server answers with. */
function closeCodeFor(socket: Socket, frame: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // Server frames are unmasked: 0x88, a length below 126, then the code.
      if (received.length >= 4 && received[0] === 0x88) resolve(received.readUInt16BE(2));
    });
    socket.once('close', () => reject(new Error(`the socket closed without a close frame (got ${received.toString('hex')})`)));
    socket.write(frame);
  });
}

test('a bad frame closes its own socket with a close code, and the server keeps serving everyone else', async ({ snaptree }) => {
  const other = await openAsPage(snaptree);
  const badFrames: [string, Buffer, number][] = [
    ['a message over 1 MiB', announcedFrame((1 << 20) + 1), 1009],
    ['invalid UTF-8 in a text frame', clientFrame(0x81, Buffer.from([0xc3, 0x28])), 1007],
    ['RSV1 set, no extension agreed', clientFrame(0xc1, Buffer.from('{}')), 1002],
    ['the unknown opcode 0x3', clientFrame(0x83, Buffer.alloc(0)), 1002],
    ['an unmasked client frame', clientFrame(0x81, Buffer.from('{}'), false), 1002],
  ];
  for (const [what, frame, code] of badFrames) {
    const raw = await rawApi(snaptree);
    expect(await closeCodeFor(raw, frame), what).toBe(code);
    raw.destroy();
    process.kill(snaptree.pid, 0);
    const reply = (await ask(other, { id: 1, name: 'appInfo', arg: {} })) as { reply: { ok: boolean } };
    expect(reply.reply.ok, `after ${what}`).toBe(true);
    const fresh = await openAsPage(snaptree);
    expect(((await ask(fresh, { id: 2, name: 'appInfo', arg: {} })) as { reply: { ok: boolean } }).reply.ok, `a new client after ${what}`).toBe(true);
    fresh.close();
  }
  other.close();
});

/** Sends raw request lines and resolves to the status line of the answer. */
function rawRequest(snaptree: ServedSnaptree, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(snaptree.origin);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let answer = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.on('close', () => resolve(answer));
    socket.write([...lines, '', ''].join('\r\n'));
  });
}

test('a request target no URL parser takes is refused, without a token, and the server goes on', async ({ snaptree }) => {
  const upgrade = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13'];
  expect(await rawRequest(snaptree, ['GET http://a:99999/ HTTP/1.1', 'Host: a', ...upgrade])).toMatch(/^HTTP\/1\.1 401/);
  expect(await rawRequest(snaptree, ['GET http://a:99999/ HTTP/1.1', 'Host: a'])).toMatch(/^HTTP\/1\.1 404/);
  process.kill(snaptree.pid, 0);
  const page = await openAsPage(snaptree);
  expect(((await ask(page, { id: 1, name: 'appInfo', arg: {} })) as { reply: { ok: boolean } }).reply.ok).toBe(true);
  page.close();
});
