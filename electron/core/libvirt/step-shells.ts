/**
 * virsh's own shell, kept connected, for a job's short virsh steps. A step's argv is
 * `VIRSH -c URI COMMAND ARGS…`; run as a process of its own, half of a disk-only snapshot's
 * 40 ms is virsh starting and connecting (measured: 12 ms to start, 2.5 to connect). The
 * same command, quoted for virsh's parser, runs in a shell already connected to that URI:
 * the libvirt calls are the very ones the argv makes, one connection fewer.
 *
 * A shell gives no exit code. virsh reports every failed command as `error: …` on stderr
 * (`vshReportError`), so the command's stderr is framed by markers written to stderr too
 * (`echo --err`), and an error line in it is what a process's exit code 1 would have said;
 * virsh's notices of its connection (dropped, made again) are not the command's failure.
 * A kept shell whose daemon restarted while it was idle finds out on the call before the
 * command, and may die of it (the dead socket's SIGPIPE): the command, not begun, is asked
 * again of a new shell.
 */
import { basename } from 'node:path';
import type { Conversation, ConversationEnd, Host } from '../host/host.js';
import { virshLine } from './batch.js';
import { echoMarks, SHELL_SAFE } from './session.js';
import { virshShellEnv } from './shell-env.js';

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

const COMMAND_WORD = /^[a-z][a-z0-9-]*$/;
/** What tells a step's marks from the read session's. */
const STEP_MARK = 'step-';

/**
 * The command of `VIRSH -c URI COMMAND ARGS…`, when virsh's shell reads every token as
 * written (printable ASCII: see SHELL_SAFE); null for any other argv, which runs as a process.
 */
export function shellCommandOf(argv: readonly string[]): ShellCommand | null {
  const [virsh, flag, uri, command, ...args] = argv;
  // The command word goes to the shell unquoted: a word of virsh's own, nothing else.
  if (virsh === undefined || basename(virsh) !== 'virsh' || flag !== '-c' || uri === undefined || command === undefined || !COMMAND_WORD.test(command)) return null;
  if (!argv.every((token) => SHELL_SAFE.test(token))) return null;
  return { virsh, uri, command: [command, ...args] };
}

/**
 * virsh's notices of its connection, printed by its event thread whenever it notices: that
 * the connection dropped, that it was made again. Neither is the command's own failure: a
 * command that fails says so itself.
 */
const CONNECTION_NOTICE = /^error: (Reconnected to the hypervisor$|Disconnected from \S+ due to )/;

/** Whether the command's stderr says it failed: an `error:` line other than a connection notice. */
export function failedBy(stderr: string): boolean {
  return stderr.split('\n').some((line) => line.startsWith('error:') && !CONNECTION_NOTICE.test(line));
}

interface Marks {
  readonly from: string;
  readonly to: string;
  readonly after: string;
  readonly fromErr: string;
  readonly toErr: string;
  readonly afterErr: string;
}

/** A step's answer, and whether its command began (its first mark was printed): one that never began may be asked again. */
interface Answer extends ShellResult {
  readonly began: boolean;
}

/** One virsh shell, one command at a time. */
class StepShell {
  /** What the shell said since the last command's end: an idle shell's notices, then the next command's frame. */
  private stdout = '';
  private stderr = '';
  private asked: { readonly marks: Marks; readonly resolve: (answer: Answer) => void } | null = null;
  private end: ConversationEnd | null = null;
  private readonly conversation: Conversation;

  constructor(host: Host, virsh: string, uri: string) {
    this.conversation = host.converse(
      [virsh, '-c', uri],
      (chunk) => this.heard(chunk, ''),
      { onStderr: (chunk) => this.heard('', chunk), ownGroup: true, env: virshShellEnv(uri) },
    );
    void this.conversation.ended.then((end) => {
      this.end = end;
      const asked = this.asked;
      if (asked === null) return;
      this.asked = null;
      // Ended with the command asked: killed, crashed, or never connected (virsh exits 1
      // when its first connection fails). What it said, and how it ended, as a process's
      // would; never "done", whatever its exit code: the command's end was not seen.
      const began = this.stdout.includes(asked.marks.from);
      const stdout = began ? this.stdout.slice(this.stdout.indexOf(asked.marks.from) + asked.marks.from.length) : '';
      const stderr = withoutMarks(this.stderr);
      asked.resolve({ began, exitCode: end.signal === null ? end.exitCode || 1 : null, signal: end.signal, stdout, stderr });
    });
  }

  get alive(): boolean {
    return this.end === null;
  }

  /** Rejects only when virsh could not be started (not installed): nothing ran. */
  async run(command: ShellCommand['command']): Promise<Answer> {
    if (this.end?.spawnError) throw this.end.spawnError;
    const { written, printed } = echoMarks(STEP_MARK);
    const marks: Marks = {
      from: printed('from'),
      to: printed('to'),
      after: printed('after'),
      fromErr: `error: ${printed('from')}`,
      toErr: `error: ${printed('to')}`,
      afterErr: `error: ${printed('after')}`,
    };
    const answer = new Promise<Answer>((resolve) => (this.asked = { marks, resolve }));
    // The command and its marks on one line: the shell echoes each line it reads onto stdout,
    // so the line's echo comes before all it prints. First `hostname`, a call to the daemon:
    // a connection that died while the shell was idle is found (and made again) before the
    // step's command, not by it. virsh parses a whole line before it runs any of it: a line
    // it cannot parse (an option this virsh does not know) prints no mark at all, and the
    // next line's, `after`, says so. `echo --err` prints an empty line on stdout too: each
    // stdout mark is inside its stderr one.
    this.conversation.write(
      `hostname; echo --err ${written('from')}; echo ${written('from')}; ${virshLine(command)}; echo ${written('to')}; echo --err ${written('to')}\n` +
        `echo --err ${written('after')}; echo ${written('after')}\n`,
    );
    const said = await answer;
    if (this.end?.spawnError) throw this.end.spawnError;
    return said;
  }

  stop(): void {
    this.conversation.stop();
  }

  private heard(out: string, err: string): void {
    this.stdout += out;
    this.stderr += err;
    const asked = this.asked;
    if (asked === null) return;
    const { marks } = asked;
    const stdout = between(this.stdout, marks.from, marks.to);
    const stderr = between(this.stderr, marks.fromErr, marks.toErr);
    if (stdout !== null && stderr !== null) {
      this.answered(marks.to, marks.toErr);
      asked.resolve({ began: true, exitCode: failedBy(stderr) ? 1 : 0, signal: null, stdout, stderr });
      return;
    }
    // The command's line ran none of it: virsh refused it whole, and said why, as a process exits 1.
    const refused = !this.stdout.includes(marks.from) && this.stdout.includes(marks.after) && this.stderr.includes(marks.afterErr);
    if (!refused) return;
    const why = withoutMarks(this.stderr.slice(0, this.stderr.indexOf(marks.afterErr)));
    this.answered(marks.after, marks.afterErr);
    asked.resolve({ began: true, exitCode: 1, signal: null, stdout: '', stderr: why });
  }

  /** The command's answer is in: what follows its last marks is the next one's. */
  private answered(out: string, err: string): void {
    this.asked = null;
    this.stdout = this.stdout.slice(this.stdout.indexOf(out) + out.length);
    this.stderr = this.stderr.slice(this.stderr.indexOf(err) + err.length);
  }
}

/** What virsh said, without the marks of the commands before (an earlier command's last ones may come late). */
const withoutMarks = (text: string): string => text.split('\n').filter((line) => !line.includes(`@@snaptree-${STEP_MARK}`)).join('\n');

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
    const kept = idle?.alive ? idle : null;
    let shell = kept ?? new StepShell(this.host, virsh, uri);
    for (;;) {
      try {
        const { began, ...said } = await shell.run(command);
        // A kept shell that ended before the command began ran nothing (its connection had
        // died while it was idle): once more, in a shell of its own, whose answer stands.
        if (began || shell !== kept) return said;
      } finally {
        // Kept for the next step while none other is: one idle shell per connection.
        if (shell.alive && !this.closed && !this.idle.has(key)) this.idle.set(key, shell);
        else shell.stop();
      }
      shell = new StepShell(this.host, virsh, uri);
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
