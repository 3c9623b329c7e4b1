import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random token for one run of `snaptree serve`. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Cookies are scoped by host, not by port: two servers on 127.0.0.1 would overwrite
 * each other's cookie, so the port is part of its name.
 */
export function cookieName(port: number): string {
  return `snaptree_token_${port}`;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries, in its query (`?token=`) or in the cookie set by the first page. */
export function carriedToken(req: IncomingMessage, port: number): { query: string | null; cookie: string | null } {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const cookies = (req.headers.cookie ?? '').split(';').map((part) => part.trim().split('='));
  const cookie = cookies.find(([name]) => name === cookieName(port))?.[1] ?? null;
  return { query: url.searchParams.get('token'), cookie };
}

export function isAuthorized(req: IncomingMessage, port: number, token: string): boolean {
  const carried = carriedToken(req, port);
  return sameToken(carried.query, token) || sameToken(carried.cookie, token);
}

/**
 * A browser always sends Origin on a WebSocket handshake; only pages served by this
 * server may open one, so a foreign page cannot drive the core with a stolen cookie.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && req.headers.host !== undefined && origin === `http://${req.headers.host}`;
}
