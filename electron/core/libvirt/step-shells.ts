/**
 * virsh's own shell, kept connected, for a job's short virsh steps. A step's argv is
 * `VIRSH -c URI COMMAND ARGS…`; run as a process of its own, half of a disk-only snapshot's
 * 40 ms is virsh starting and connecting (measured: 12 ms to start, 2.5 to connect). The
 * same command, quoted for virsh's parser, runs in a shell already connected to that URI:
 * the libvirt calls are the very ones the argv makes, one connection fewer.
 *
 * A shell gives no exit code. virsh reports every failed command as `error: …` on stderr
 * (`vshReportError`), so the command's stderr is framed by markers written to stderr too
 * (`echo --err`), and an error line in it is what a process's exit code 1 would have said.
 * Its one notice that is no failure, "Reconnected to the hypervisor", is said when the
 * daemon restarted while the shell was idle; a `uri` first takes that, and the drop that
 * preceded it, before the step's own command.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Conversation, ConversationEnd, Host } from '../host/host.js';
import { virshLine } from './batch.js';
import { SHELL_SAFE } from './session.js';

/** A step's virsh command, for a shell connected to `uri`. */
export interface ShellCommand {
  readonly virsh: string;
  readonly uri: string;
  readonly command: readonly [string, ...string[]];
}

export interface ShellResult {
  /** 0 or 1, as virsh would have exited with the command as its argv; the shell's own when it ended with the command. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The command of `VIRSH -c URI COMMAND ARGS…`, when virsh's shell reads every token as
 * written (printable ASCII: see SHELL_SAFE); null for any other argv, which runs as a process.
 */
export function shellCommandOf(argv: readonly string[]): ShellCommand | null {
  const [virsh, flag, uri, command, ...args] = argv;
  if (virsh === undefined || basename(virsh) !== 'virsh' || flag !== '-c' || uri === undefined || command === undefined || command.startsWith('-')) return null;
  if (!argv.every((token) => SHELL_SAFE.test(token))) return null;
  return { virsh, uri, command: [command, ...args] };
}

/** virsh's notice that a connection which had dropped was made again: said before a command, not by it. */
const RECONNECTED = 'error: Reconnected to the hypervisor';

/** Whether the command's stderr says it failed: an `error:` line other than the reconnect notice. */
export function failedBy(stderr: string): boolean {
  return stderr.split('\n').some((line) => line.startsWith('error:') && line !== RECONNECTED);
}

interface Asked {
  readonly marks: { readonly from: string; readonly to: string; readonly fromErr: string; readonly toErr: string };
  readonly resolve: (result: ShellResult) => void;
}

/** One virsh shell, one command at a time. */
class StepShell {
  private stdout = '';
  private stderr = '';
  private asked: Asked | null = null;
  private end: ConversationEnd | null = null;
  private readonly conversation: Conversation;

  constructor(host: Host, virsh: string, uri: string) {
    this.conversation = host.converse(
      [virsh, '-c', uri],
      (chunk) => this.heard(chunk, ''),
      { onStderr: (chunk) => this.heard('', chunk), ownGroup: true },
    );
    void this.conversation.ended.then((end) => {
      this.end = end;
      const asked = this.asked;
      if (asked === null) return;
      this.asked = null;
      // Ended with the command asked: killed, crashed, or never connected (virsh exits 1
      // when its first connection fails). What it said, and how it ended, as a process's would.
      asked.resolve({ exitCode: end.exitCode, signal: end.signal, stdout: this.stdout, stderr: this.stderr });
    });
  }

  get alive(): boolean {
    return this.end === null;
  }

  /** Rejects only when virsh could not be started (not installed): nothing ran. */
  async run(command: ShellCommand['command']): Promise<ShellResult> {
    if (this.end?.spawnError) throw this.end.spawnError;
    const id = randomBytes(6).toString('hex');
    // Written with an empty quoted pair inside, printed without it: the echoed line never matches.
    const written = (word: string) => `@@snaptree''-step-${id}-${word}@@`;
    const printed = (word: string) => `@@snaptree-step-${id}-${word}@@\n`;
    const marks = { from: printed('from'), to: printed('to'), fromErr: `error: ${printed('from')}`, toErr: `error: ${printed('to')}` };
    // `echo --err` prints an empty line on stdout too: each stdout mark is inside its stderr one.
    const from = `echo --err ${written('from')}; echo ${written('from')}`;
    const to = `echo ${written('to')}; echo --err ${written('to')}`;
    const result = new Promise<ShellResult>((resolve) => (this.asked = { marks, resolve }));
    this.stdout = '';
    this.stderr = '';
    this.conversation.write(`uri; ${from}; ${virshLine(command)}; ${to}\n`);
    const ended = await result;
    if (this.end?.spawnError) throw this.end.spawnError;
    return ended;
  }

  stop(): void {
    this.conversation.stop();
  }

  private heard(out: string, err: string): void {
    this.stdout += out;
    this.stderr += err;
    const asked = this.asked;
    if (asked === null) return;
    const stdout = between(this.stdout, asked.marks.from, asked.marks.to);
    const stderr = between(this.stderr, asked.marks.fromErr, asked.marks.toErr);
    if (stdout === null || stderr === null) return;
    this.asked = null;
    asked.resolve({ exitCode: failedBy(stderr) ? 1 : 0, signal: null, stdout, stderr });
  }
}

/** What lies between the two marks, once both are there. */
function between(text: string, from: string, to: string): string | null {
  const start = text.indexOf(from);
  if (start < 0) return null;
  const end = text.indexOf(to, start + from.length);
  return end < 0 ? null : text.slice(start + from.length, end);
}

/**
 * The shells of a core's jobs: one kept idle per virsh and URI, connected before it is
 * needed (`prepare`, when a plan that would use it is shown), and one more started for a
 * job that runs while another holds it (jobs on other domains run at once).
 */
export class VirshStepShells {
  private readonly idle = new Map<string, StepShell>();
  private closed = false;

  constructor(private readonly host: Host) {}

  /** Starts the shell a step on this connection would use, so that the step does not wait for virsh to start. */
  prepare({ virsh, uri }: Pick<ShellCommand, 'virsh' | 'uri'>): void {
    const key = keyOf(virsh, uri);
    if (this.closed || this.idle.get(key)?.alive) return;
    this.idle.set(key, new StepShell(this.host, virsh, uri));
  }

  async run({ virsh, uri, command }: ShellCommand): Promise<ShellResult> {
    const key = keyOf(virsh, uri);
    const idle = this.idle.get(key);
    this.idle.delete(key);
    const shell = idle?.alive ? idle : new StepShell(this.host, virsh, uri);
    try {
      return await shell.run(command);
    } finally {
      // Kept for the next step while none other is: one idle shell per connection.
      if (shell.alive && !this.closed && !this.idle.has(key)) this.idle.set(key, shell);
      else shell.stop();
    }
  }

  /** Stops the idle shells; one running a step ends when its step has. */
  close(): void {
    this.closed = true;
    for (const shell of this.idle.values()) shell.stop();
    this.idle.clear();
  }
}

const keyOf = (virsh: string, uri: string): string => `${virsh}\0${uri}`;
