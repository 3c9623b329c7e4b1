import { randomBytes } from 'node:crypto';
import type { Conversation, Host } from '../host/host.js';
import { connectedOutputs, LostConnection, runVirshBatch, VIRSH_READ_TIMEOUT_MS, virshLine, withUri } from './batch.js';
import { virshShellEnv } from './shell-env.js';


/**
 * What virsh's shell reads from a pipe goes through readline, which takes control bytes
 * as editing keys (a tab completes, ^U kills the line, a newline ends the command) and,
 * in the C locale virsh runs in, bytes above 0x7f as Meta keys. Printable ASCII is read
 * as written; any other argument goes to a batch process, where it is one argv string.
 */
export const SHELL_SAFE = /^[\x20-\x7e]*$/;

/**
 * Marks only `echo` prints, for one read or step (`kind` tells whose): virsh's shell echoes
 * each line it reads, so a mark is written with an empty quoted pair inside it and printed
 * without it (`@@snaptree''-x-begin@@` prints `@@snaptree-x-begin@@`): the echoed line never matches.
 */
export function echoMarks(kind: string): { written: (word: string) => string; printed: (word: string) => string } {
  const id = `${kind}${randomBytes(6).toString('hex')}`;
  return { written: (word) => `@@snaptree''-${id}-${word}@@`, printed: (word) => `@@snaptree-${id}-${word}@@\n` };
}

interface Pending {
  readonly begin: string;
  readonly mark: string;
  readonly count: number;
  readonly resolve: (outputs: string[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One virsh kept running per connection for the small reads that follow an event or
 * precede a job's start: its own shell, spoken to on stdin, answers over a connection
 * already open in about a millisecond, where a virsh process of its own costs some 20 ms
 * of starting and connecting (most of what a job's start cost). Each answer is framed by
 * marks only `echo` prints (`echoMarks`). One read at a time;
 * a read that times out stops the shell, and the next read starts another.
 */
export class VirshSession {
  private shell: Conversation | null = null;
  private output = '';
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly host: Host,
    private readonly virsh: string,
    private readonly uri: string,
  ) {}

  /**
   * Each command's stdout, in order, empty for a command that failed: what a connected
   * `runVirshBatch` gives. Fails when virsh was not connected to the daemon to the end.
   */
  run(commands: ReadonlyArray<readonly string[]>, timeoutMs = VIRSH_READ_TIMEOUT_MS): Promise<string[]> {
    if (this.closed || commands.some((command) => command.some((token) => !SHELL_SAFE.test(token)))) {
      return runVirshBatch(this.host, this.virsh, this.uri, commands, { timeoutMs, connected: true }).then((result) => result.outputs);
    }
    // Once more after a read that found the connection gone: the shell has connected again
    // since (the daemon restarted while it was idle), or fails again and says so.
    const read = async () => connectedOutputs(await this.ask(withUri(commands, ['uri']), timeoutMs));
    const next = this.queue.then(() => read().catch((error: unknown) => (error instanceof LostConnection ? read() : Promise.reject(error))));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.closed = true;
    this.shell?.stop();
    this.shell = null;
    this.fail(new Error('the virsh shell was closed'));
  }

  private ask(commands: ReadonlyArray<readonly string[]>, timeoutMs: number): Promise<string[]> {
    // Queued behind a read when the connection stopped being followed: no new shell for it.
    if (this.closed) return Promise.reject(new Error('the virsh shell was closed'));
    const shell = this.started();
    const { written, printed } = echoMarks('');
    const line = [`echo ${written('begin')}`, ...commands.map((command) => `${virshLine(command)}; echo ${written('end')}`)].join('; ');
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Forgotten first: its end, reported later, must not fail the next shell's read.
        this.shell = null;
        shell.stop();
        this.fail(new Error(`virsh did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle = <T>(then: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        this.pending = null;
        then(value);
      };
      this.output = '';
      this.pending = { begin: printed('begin'), mark: printed('end'), count: commands.length, resolve: settle(resolve), reject: settle(reject) };
      shell.write(`${line}\n`);
    });
  }

  private started(): Conversation {
    if (this.shell !== null) return this.shell;
    // Output of a shell given up (timed out) must not land in the next shell's read.
    const shell: Conversation = this.host.converse(
      [this.virsh, '-c', this.uri],
      (chunk) => {
        if (this.shell === shell) this.heard(chunk);
      },
      { env: virshShellEnv(this.uri) },
    );
    this.shell = shell;
    void shell.ended.then(() => {
      if (this.shell !== shell) return;
      this.shell = null;
      this.fail(new Error('virsh ended while reading'));
    });
    return shell;
  }

  private heard(chunk: string): void {
    const pending = this.pending;
    if (pending === null) return;
    this.output += chunk;
    // Before the first marker: virsh's greeting, its prompt and the line it echoes.
    const start = this.output.indexOf(pending.begin);
    if (start < 0) return;
    const parts = this.output.slice(start + pending.begin.length).split(pending.mark);
    if (parts.length <= pending.count) return;
    this.output = '';
    pending.resolve(parts.slice(0, pending.count));
  }

  private fail(error: Error): void {
    this.output = '';
    this.pending?.reject(error);
  }
}
