import { randomBytes } from 'node:crypto';
import type { Host } from '../host/host.js';
import { mapLimit } from '../map-limit.js';

/**
 * Quotes one argument for virsh's own command-line parser (batch mode is parsed by
 * virsh, not by a shell): single quotes keep everything literal; a quote inside is
 * closed, escaped and reopened. Names may hold spaces, quotes, `;` and anything else.
 */
export function virshQuote(argument: string): string {
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** Linux limits one argument to 128 KiB (MAX_ARG_STRLEN); stay well below it. */
const MAX_BATCH_BYTES = 96 * 1024;
/** Below this many commands a second process costs more than it saves. */
const MIN_PER_PROCESS = 100;
/** libvirtd answers several clients at once; four measured faster than two on two cores. */
const PARALLEL = 4;
/** A remote host that does not answer must not hold a connection's inventory for long. */
export const VIRSH_READ_TIMEOUT_MS = 30_000;

export interface BatchResult {
  /** Each command's stdout, in order; empty for a command that failed. */
  readonly outputs: string[];
  /** What virsh printed on stderr for the whole batch (errors of failed commands). */
  readonly stderr: string;
}

/** One command as virsh's own parser reads it (in a batch or its shell): the command word, then each argument quoted. */
export function virshLine(command: readonly string[]): string {
  return command.map((token, index) => (index === 0 ? token : virshQuote(token))).join(' ');
}

export interface BatchOptions {
  readonly timeoutMs?: number;
  /** Fail unless every process was connected to the end (see `connectedOutputs`). */
  readonly connected?: boolean;
}

/**
 * A failed command's output is empty, and so is every command's when virsh has no
 * connection (the daemon stopped): a domain would drop out of the view as if undefined.
 * `uri`, which prints something whenever virsh is connected, first and last tells the two
 * apart: `withUri` adds them, `connectedOutputs` checks and removes them. The first one
 * also takes the failure of a connection that died before the read (a daemon restarted
 * while a shell kept it open), after which virsh connects again by itself.
 */
export const withUri = <T>(commands: readonly T[], uri: T): T[] => [uri, ...commands, uri];

export class LostConnection extends Error {
  constructor() {
    super('virsh lost its connection to the daemon while reading');
  }
}

export function connectedOutputs(outputs: string[]): string[] {
  if (!outputs[0]?.trim() || !outputs.at(-1)?.trim()) throw new LostConnection();
  return outputs.slice(1, -1);
}

/**
 * Runs many virsh commands in few processes: `virsh -c URI 'cmd1; echo MARK; cmd2; …'`.
 * Batch mode keeps going after a failed command; its output is then empty. virsh parses
 * the whole batch before running it, so one unparsable command (an option it does not
 * know) empties its whole process: callers pass names as values of named options. One
 * process per 96 KiB of commands (or per share of a long list), at most four at a time,
 * instead of one per command.
 */
export async function runVirshBatch(host: Host, virsh: string, uri: string, commands: ReadonlyArray<readonly string[]>, options: BatchOptions = {}): Promise<BatchResult> {
  const { timeoutMs = VIRSH_READ_TIMEOUT_MS, connected = false } = options;
  const marker = `@@snaptree-${randomBytes(6).toString('hex')}@@`;
  const lines = commands.map(virshLine);
  // Enough processes to keep each argument small, and up to PARALLEL when there is much to do.
  const bytes = lines.reduce((sum, line) => sum + line.length + marker.length + 10, 0);
  const count = Math.max(Math.ceil(bytes / MAX_BATCH_BYTES), Math.min(PARALLEL, Math.ceil(lines.length / MIN_PER_PROCESS)), 1);
  const perChunk = Math.ceil(lines.length / count);
  const chunks = Array.from({ length: count }, (_, index) => lines.slice(index * perChunk, (index + 1) * perChunk)).filter((chunk) => chunk.length > 0);

  const uriLine = 'uri';
  const results = await mapLimit(chunks, PARALLEL, async (chunk) => {
    // Each process is checked on its own: one that lost the daemon says nothing of the others.
    const lines = connected ? withUri(chunk, uriLine) : chunk;
    const script = lines.map((line) => `${line}; echo ${marker}`).join('; ');
    const { stdout, stderr } = await host.run({ argv: [virsh, '-c', uri, script], timeoutMs, okExitCodes: [0, 1], largeOutput: true });
    // `echo` prints the marker and a newline; each command's output precedes its marker.
    const outputs = stdout.split(`${marker}\n`).slice(0, lines.length);
    while (outputs.length < lines.length) outputs.push('');
    return { outputs: connected ? connectedOutputs(outputs) : outputs, stderr };
  });
  return { outputs: results.flatMap((result) => result.outputs), stderr: results.map((result) => result.stderr).join('') };
}
