import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../shared/wire.js';

/** A fresh random token for one run of `snaptree serve`. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The page offers two subprotocols on its WebSocket: `snaptree` and one carrying the
 * token. The token never travels in a cookie, which a browser would send to every
 * service on the host whatever its port, nor in a URL the server sees.
 */
export function offersToken(req: IncomingMessage, token: string): boolean {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const carried = offered.find((protocol) => protocol.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
  return offered.includes(API_PROTOCOL) && sameToken(carried, token);
}

/**
 * A browser always sends Origin on a WebSocket handshake; only pages served by this
 * server may open one.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && req.headers.host !== undefined && origin === `http://${req.headers.host}`;
}
