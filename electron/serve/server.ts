import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../core/dispatch.js';
import type { Core } from '../core/core.js';
import { isSameOrigin, newToken, offersToken } from './auth.js';
import { readRendererFile } from './static.js';
import { API_PROTOCOL, ClientMessage, type ServerMessage } from '../../shared/wire.js';

export interface ServeOptions {
  readonly core: Core;
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string;
  readonly host?: string;
  readonly port?: number;
}

export interface RunningServer {
  /** The one URL to open, carrying the token in its fragment. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const UNAUTHORIZED = 'Snaptree needs the token: open the URL that `snaptree serve` printed.\n';

/** On every answer: a browser takes each body for what its content-type says, nothing else. */
const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

/**
 * The path a request asks for, or null for a target no URL parser takes
 * (`GET http://a:99999/`): it runs in the upgrade listener, where a throw would end
 * the server, and anyone on this machine can send one before any token is checked.
 */
function requestPath(req: IncomingMessage): string | null {
  const url = URL.parse(req.url ?? '/', 'http://localhost');
  return url === null ? null : url.pathname;
}

/**
 * The web mode: the same renderer and core as the Electron window, for a browser.
 * The page gets the per-run token in the URL's fragment, which the browser never
 * sends, and offers it on the WebSocket that carries the contract; that socket also
 * accepts only this server's own origin.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = newToken();
  const host = options.host ?? '127.0.0.1';

  const http = createServer((req, res) => {
    void answerHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, NOSNIFF);
      res.end();
    });
  });

  // The files of the built renderer are answered without the token: they are the
  // program, the same for every user, and hold no data and no secret (the token is
  // only in the fragment of the printed URL). Everything else goes over the socket.
  async function answerHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...NOSNIFF, allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const path = requestPath(req);
    const file = path === null ? null : await readRendererFile(options.rendererDir, path);
    if (file === null) {
      res.writeHead(404, { ...NOSNIFF, 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      ...NOSNIFF,
      'content-type': file.contentType,
      'cache-control': 'no-store',
      // frame-ancestors only works as a header: no other site may frame the window.
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const sockets = new WebSocketServer({
    noServer: true,
    // Bigger messages, invalid UTF-8, a reserved bit (no extension is ever agreed),
    // an unknown opcode or an unmasked frame: ws closes that socket with 1009, 1007 or
    // 1002, and the error it then emits is heard in serveApi.
    maxPayload: 1 << 20,
    perMessageDeflate: false,
    // The page offers the token as a second subprotocol; the answer never echoes it.
    handleProtocols: () => API_PROTOCOL,
  });
  http.on('upgrade', (req, socket, head) => {
    // Until ws owns the socket, a client that resets it must not end the process.
    socket.on('error', () => socket.destroy());
    const path = requestPath(req);
    if (path !== '/api' || !isSameOrigin(req) || !offersToken(req, token)) {
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n` +
          `x-content-type-options: nosniff\r\ncontent-length: ${Buffer.byteLength(UNAUTHORIZED)}\r\n\r\n${UNAUTHORIZED}`,
      );
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveApi(ws, options.core));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, resolve);
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/#token=${token}`,
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
  // A bad frame: ws has already sent the close frame with its code. Unheard, this
  // error would end the process and every other tab with it.
  ws.on('error', () => undefined);
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
