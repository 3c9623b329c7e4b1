import type { Api, EventName, Reply } from '../../../shared/contract';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX, type ServerMessage } from '../../../shared/wire';
import { i18n } from '../i18n';

const failed = <T = unknown>(message: string): Reply<T> => ({ ok: false, error: { kind: 'internal', message } });
/** Said in the window's language at the moment it happens. */
const lost = (): string => i18n.t('shell:socket.lost');

/**
 * The contract over the `serve` WebSocket, which the server opens only for the run's
 * token, offered as a subprotocol. The socket reconnects a second after the connection
 * drops; a request made while it connects waits for it, one made while it is down is
 * answered at once with the reason.
 */
export function webSocketApi(url: string, token: string | null): Api {
  let socket: WebSocket;
  let opened: Promise<void>;
  let nextId = 1;
  const pending = new Map<number, (reply: Reply) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function connect(): void {
    socket = new WebSocket(url, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]);
    // Refused (a stale token) or unreachable, the socket closes without opening: the
    // requests waiting for it are answered instead of waiting forever.
    opened = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('close', () => reject(new Error(lost())), { once: true });
    });
    opened.catch(() => undefined);
    socket.addEventListener('message', (message) => {
      const frame = JSON.parse(String(message.data)) as ServerMessage;
      if (frame.type === 'reply') {
        pending.get(frame.id)?.(frame.reply);
        pending.delete(frame.id);
      } else if (frame.type === 'event') {
        for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
      }
    });
    socket.addEventListener('close', () => {
      for (const resolve of pending.values()) {
        resolve(failed(lost()));
      }
      pending.clear();
      setTimeout(connect, 1000);
    });
  }
  if (token !== null) connect();

  return {
    async invoke(name, arg) {
      if (token === null) return failed(i18n.t('shell:socket.noToken'));
      // Closing or closed, between a drop and the next try: a send would go nowhere.
      if (socket.readyState > WebSocket.OPEN) return failed(lost());
      try {
        await opened;
      } catch {
        return failed(lost());
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (reply: Reply) => void);
        socket.send(JSON.stringify({ id, name, arg }));
      });
    },
    subscribe(name: EventName, listener) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
