import { z } from 'zod';
import { errorMessage } from '../../shared/format.js';
import { isRequestName, requests, type ApiErrorBody, type Reply } from '../../shared/contract.js';
import { say, type Said } from '../../shared/messages/problems.js';
import type { Core } from './core.js';
import { HostCommandError } from './host/host.js';
import { Refusal } from './refusal.js';

/** A reply's error said through the catalogues: the English, and the key and values for the window. */
const sentence = ({ key, values, message }: Said): Pick<ApiErrorBody, 'key' | 'values' | 'message'> => ({ key, values, message });

/**
 * Why an argument was refused: the check's own sentence when it said one (a URI that
 * would run a program), else zod's account of it, as a value.
 */
function invalid(request: string, field: string, issue: z.core.$ZodIssue | undefined, error: z.ZodError): Said {
  const said = issue?.code === 'custom' ? (issue.params as { said?: Said } | undefined)?.said : undefined;
  if (said !== undefined) return say('request.invalid.said', { ...said.values, request, field, said: said.key });
  const issueText = z.prettifyError(error);
  return field ? say('request.invalid.field', { request, field, issue: issueText }) : say('request.invalid.whole', { request, issue: issueText });
}

/**
 * The one entry point both transports call: checks the request name and validates the
 * argument against the contract before any handler runs, and turns every failure into
 * a reply a person can read. Nothing thrown here escapes to the transport.
 */
export async function dispatch(core: Core, name: unknown, arg: unknown): Promise<Reply> {
  if (!isRequestName(name)) {
    return { ok: false, error: { kind: 'unknown-request', ...sentence(say('request.unknown', { name: JSON.stringify(name) ?? String(name) })) } };
  }
  const spec = requests[name];
  const parsed = spec.arg.safeParse(arg ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
    return { ok: false, error: { kind: 'validation', ...sentence(invalid(name, field, issue, parsed.error)), field } };
  }
  try {
    const handler = core.handlers[name] as (arg: unknown) => Promise<unknown>;
    const result = await handler(parsed.data);
    return { ok: true, result: spec.result.parse(result) };
  } catch (error) {
    if (error instanceof Refusal) {
      return { ok: false, error: { kind: 'refused', ...(error.said ? sentence(error.said) : { message: error.message }) } };
    }
    if (error instanceof HostCommandError) {
      return { ok: false, error: { kind: 'tool', ...sentence(error.said) } };
    }
    return { ok: false, error: { kind: 'internal', message: errorMessage(error) } };
  }
}
