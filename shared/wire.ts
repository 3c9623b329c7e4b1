/** The frames of the `serve` WebSocket that carries the contract. */
import { z } from 'zod';
import type { Reply } from './contract.js';

export const ClientMessage = z.object({
  id: z.number().int(),
  name: z.string(),
  arg: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { type: 'reply'; id: number; reply: Reply }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'protocol-error'; message: string };

/**
 * The WebSocket subprotocols the page offers: this one, which the server answers, and
 * `TOKEN_PROTOCOL_PREFIX` + the run's token, which it checks and never echoes.
 */
export const API_PROTOCOL = 'snaptree';
export const TOKEN_PROTOCOL_PREFIX = 'snaptree.token.';
