/**
 * The contract between the core and every front end: each request with the zod schema
 * of its argument and result, and each event the core pushes. Electron IPC and the
 * `serve` WebSocket carry it generically; adding a request means adding it here and
 * giving the core one handler for it.
 */
import { z } from 'zod';
import { ToolsReport } from './tools/report.js';

export const requests = {
  /** Finds qemu-img and virsh, asks the libvirt daemon at the default URI what it is. */
  toolsCheck: { arg: z.object({}).strict(), result: ToolsReport },
} as const;

export const events = {
  /** A tools check finished, whoever asked for it: every window shows the newest. */
  toolsChecked: ToolsReport,
} as const;

export type RequestName = keyof typeof requests;
export type RequestArg<N extends RequestName> = z.input<(typeof requests)[N]['arg']>;
export type RequestResult<N extends RequestName> = z.infer<(typeof requests)[N]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/**
 * What travels back for every request, on both transports: a result, or an error a
 * person can read. `field` names the argument that failed validation.
 */
export const ApiErrorBody = z.object({
  kind: z.enum(['validation', 'unknown-request', 'tool', 'internal']),
  message: z.string(),
  field: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorBody };

/** The typed api that the preload and the WebSocket client both provide. */
export interface Api {
  invoke<N extends RequestName>(name: N, arg: RequestArg<N>): Promise<Reply<RequestResult<N>>>;
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
