import { z } from 'zod';
import { errorMessage } from '../../shared/format.js';
import { isRequestName, requests, type Reply } from '../../shared/contract.js';
import type { Core } from './core.js';
import { HostCommandError } from './host/host.js';
import { Refusal } from './refusal.js';

/**
 * The one entry point both transports call: checks the request name and validates the
 * argument against the contract before any handler runs, and turns every failure into
 * a reply a person can read. Nothing thrown here escapes to the transport.
 */
export async function dispatch(core: Core, name: unknown, arg: unknown): Promise<Reply> {
  if (!isRequestName(name)) {
    return { ok: false, error: { kind: 'unknown-request', message: `There is no request named ${JSON.stringify(name)}` } };
  }
  const spec = requests[name];
  const parsed = spec.arg.safeParse(arg ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    return {
      ok: false,
      error: {
        kind: 'validation',
        message: `Invalid argument for ${name}${field ? ` (field ${field})` : ''}: ${z.prettifyError(parsed.error)}`,
        field,
      },
    };
  }
  try {
    const handler = core.handlers[name] as (arg: unknown) => Promise<unknown>;
    const result = await handler(parsed.data);
    return { ok: true, result: spec.result.parse(result) };
  } catch (error) {
    if (error instanceof Refusal) {
      return { ok: false, error: { kind: 'refused', message: error.message, ...(error.said && { key: error.said.key, values: error.said.values }) } };
    }
    if (error instanceof HostCommandError) {
      return { ok: false, error: { kind: 'tool', message: error.message } };
    }
    return { ok: false, error: { kind: 'internal', message: errorMessage(error) } };
  }
}
