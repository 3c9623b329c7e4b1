import type { Api, ApiErrorBody, EventName, EventPayload, RequestArg, RequestName, RequestResult } from '../../../shared/contract';
import { i18n } from '../i18n';
import { sentenceOf } from '../i18n/sentence';
import { webSocketApi } from './websocket';

declare global {
  interface Window {
    /** Present in the Electron window, exposed by the preload. */
    readonly snaptree?: Api;
  }
}

/**
 * A request the core answered with an error; `message` is written for a person: in the
 * window's language when the core said it by key, else in the core's English.
 */
export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(sentenceOf(i18n.t, body));
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'snaptree-token';

/**
 * Web mode: the printed URL carries the token in its fragment (`#token=`), which the
 * browser never sends to a server. The page takes it out of the address bar and keeps
 * it in this tab's sessionStorage: scoped to this origin, port included (a cookie would
 * go to every service on the host), never sent anywhere by the browser, and still there
 * when the tab reloads.
 */
function takeToken(): string | null {
  const given = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (given !== null) {
    sessionStorage.setItem(TOKEN_KEY, given);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function chooseTransport(): Api {
  if (window.snaptree) return window.snaptree;
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return webSocketApi(`${scheme}//${window.location.host}/api`, takeToken());
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
