import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../core/dispatch.js';
import type { Core } from '../core/core.js';
import { cookieName, carriedToken, isAuthorized, isSameOrigin, newToken } from './auth.js';
import { readRendererFile } from './static.js';
import { ClientMessage, type ServerMessage } from '../../shared/wire.js';

export interface ServeOptions {
  readonly core: Core;
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string;
  readonly host?: string;
  readonly port?: number;
}

export interface RunningServer {
  /** The one URL to open, carrying the token. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const UNAUTHORIZED = 'Snaptree needs the token: open the URL that `snaptree serve` printed.\n';

/**
 * The web mode: the same renderer and core as the Electron window, for a browser.
 * Pages and the API answer 401 without the per-run token; the WebSocket carrying the
 * contract accepts only this server's own origin.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = newToken();
  const host = options.host ?? '127.0.0.1';
  let port = 0;

  const http = createServer((req, res) => {
    void answerHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function answerHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAuthorized(req, port, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(UNAUTHORIZED);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = await readRendererFile(options.rendererDir, path);
    if (file === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      // frame-ancestors only works as a header: no other site may frame the window.
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    };
    // The first page arrives with ?token=; the cookie lets its scripts and socket follow.
    if (carriedToken(req, port).query !== null) {
      headers['set-cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/api' || !isAuthorized(req, port, token) || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveApi(ws, options.core));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, resolve);
  });
  port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One browser tab: requests in, replies and every core event out. */
function serveApi(ws: WebSocket, core: Core): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const stopEvents = core.onEvent((event, payload) => send({ type: 'event', event, payload }));
  ws.on('close', stopEvents);
  ws.on('message', (data) => {
    let message: ClientMessage;
    try {
      message = ClientMessage.parse(JSON.parse(String(data)));
    } catch {
      send({ type: 'protocol-error', message: 'A message was not a valid request' });
      return;
    }
    void dispatch(core, message.name, message.arg).then((reply) => send({ type: 'reply', id: message.id, reply }));
  });
}
