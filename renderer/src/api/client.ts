import type { Api, ApiErrorBody, EventName, EventPayload, RequestArg, RequestName, RequestResult } from '../../../shared/contract';
import { webSocketApi } from './websocket';

declare global {
  interface Window {
    /** Present in the Electron window, exposed by the preload. */
    readonly snaptree?: Api;
  }
}

/** A request the core answered with an error; `message` is written for a person. */
export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
}

function chooseTransport(): Api {
  if (window.snaptree) return window.snaptree;
  // Web mode: the token arrived in the URL and now lives in a cookie; keep it out of sight.
  if (new URL(window.location.href).searchParams.has('token')) {
    window.history.replaceState(null, '', window.location.pathname);
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return webSocketApi(`${scheme}//${window.location.host}/api`);
}

const transport = chooseTransport();

/** The renderer's one way to the core; it does not know which transport carries it. */
export const api = {
  async call<N extends RequestName>(name: N, arg: RequestArg<N>): Promise<RequestResult<N>> {
    const reply = await transport.invoke(name, arg);
    if (!reply.ok) throw new ApiError(reply.error);
    return reply.result;
  },
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return transport.subscribe(name, listener);
  },
};

/**
 * Events are signals: a burst of them (a snapshot pauses, saves and resumes a guest)
 * becomes one fetch of the new state, `delayMs` after the last.
 */
export function refetchOn(event: EventName, load: () => Promise<void>, delayMs: number): void {
  let pending: ReturnType<typeof setTimeout> | null = null;
  api.on(event, () => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      void load();
    }, delayMs);
  });
}
