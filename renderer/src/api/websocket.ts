import type { Api, EventName, Reply } from '../../../shared/contract';
import type { ServerMessage } from '../../../shared/wire';

/**
 * The contract over the `serve` WebSocket. The page's cookie carries the token; the
 * socket reconnects if the server restarts, and requests wait for it.
 */
export function webSocketApi(url: string): Api {
  let socket: WebSocket;
  let opened: Promise<void>;
  let nextId = 1;
  const pending = new Map<number, (reply: Reply) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function connect(): void {
    socket = new WebSocket(url);
    opened = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
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
        resolve({ ok: false, error: { kind: 'internal', message: 'The connection to Snaptree was lost' } });
      }
      pending.clear();
      setTimeout(connect, 1000);
    });
  }
  connect();

  return {
    async invoke(name, arg) {
      await opened;
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
