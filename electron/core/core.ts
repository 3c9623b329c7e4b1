import { EventEmitter } from 'node:events';
import type { EventName, EventPayload, RequestName, RequestArg, RequestResult } from '../../shared/contract.js';
import type { Host } from './host/host.js';
import { checkTools } from './tools/check.js';

export type Handlers = { [N in RequestName]: (arg: RequestArg<N>) => Promise<RequestResult<N>> };

/** The core services: one handler per request of the contract, and the events they push. */
export interface Core {
  readonly handlers: Handlers;
  /** Listens to every event; returns the function that stops listening. */
  onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
}

export function createCore(host: Host): Core {
  const bus = new EventEmitter();
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>): void => {
    bus.emit('event', name, payload);
  };

  const handlers: Handlers = {
    toolsCheck: async () => {
      const report = await checkTools(host);
      emit('toolsChecked', report);
      return report;
    },
  };

  return {
    handlers,
    onEvent(listener) {
      bus.on('event', listener);
      return () => bus.off('event', listener);
    },
  };
}
