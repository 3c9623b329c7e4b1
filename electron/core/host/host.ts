/**
 * A host is where qemu-img and virsh run. Today only the local machine; an ssh host
 * will implement the same interface by wrapping each argv in `ssh HOST -- …`. Files
 * are read here directly, not through a Host (image headers in images/, libvirt's
 * snapshot metadata, path resolution): an ssh host needs those reads routed too.
 */
import type { Said } from '../../../shared/messages/problems.js';

export interface HostCommand {
  /** Program and arguments. Never passed through a shell. */
  readonly argv: readonly [string, ...string[]];
  /** Milliseconds before the process is killed and the command fails as timed out. */
  readonly timeoutMs?: number;
  /** Aborting it kills the process; the command fails as cancelled. */
  readonly signal?: AbortSignal;
  /** Exit codes that count as success (default `[0]`); `qemu-img check` uses 0–3. */
  readonly okExitCodes?: readonly number[];
  /**
   * A hint for commands that print megabytes: the child writes into a temporary file
   * itself instead of a pipe that this process must drain (measured with virsh: a
   * second longer into a pipe for 3.5 MB, and 0.3–0.5 s of this process's CPU).
   */
  readonly largeOutput?: boolean;
  /** What the process reads on stdin (a file with no name, so `/dev/stdin` opens too); without it stdin is empty. */
  readonly input?: string;
}

export interface HostResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A long step of a job: its output as it comes, for progress and the job's live output. */
export interface StreamCommand {
  /** Program and arguments. Never passed through a shell. */
  readonly argv: readonly [string, ...string[]];
  /** Aborting it sends SIGINT (qemu-img stops cleanly between clusters), SIGKILL if the process outlives a grace period. */
  readonly signal?: AbortSignal;
  /**
   * The process gets the same SIGINT should this one die first (a kill -9, a crash): a tool
   * left writing after Snaptree is gone would change files while the journal says the job
   * stopped, and a later job would take its locks over.
   */
  readonly interruptedWithCaller?: boolean;
  /** Each piece of stdout or stderr as the pipe delivers it (UTF-8, cut anywhere but inside a character). */
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
}

export interface StreamResult {
  /** Null when a signal ended the process. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process that runs until stopped, read line by line (an event stream). */
export interface LongRunning {
  stop(): void;
  /** Settles when the process has ended, for whatever reason. */
  readonly ended: Promise<void>;
}

/** How a conversation's process ended: its exit code or signal, or why it could not start. */
export interface ConversationEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the program never ran (not installed, not runnable). */
  readonly spawnError?: HostCommandError;
}

export interface ConverseOptions {
  /** Its stderr as it comes; without it stderr is not read. */
  readonly onStderr?: (chunk: string) => void;
  /**
   * A process group of its own: Ctrl-C at Snaptree's terminal does not reach it (a job's
   * all-or-nothing step runs in it, and must be let finish).
   */
  readonly ownGroup?: boolean;
  /** Set in its environment, over the process's own. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A long-running process spoken to on stdin, its stdout handed over as it comes (virsh's own shell). */
export interface Conversation {
  /** Ignored once the process has ended. */
  write(text: string): void;
  stop(): void;
  /** Settles when the process has ended, for whatever reason (a program that cannot start too). */
  readonly ended: Promise<ConversationEnd>;
}

export interface Host {
  /** Shown to the user: `localhost`, later `user@hypervisor`. */
  readonly name: string;
  run(command: HostCommand): Promise<HostResult>;
  /**
   * Runs a command for as long as it takes (no timeout), handing its output over as it
   * comes. Any exit code is a result; only a program that cannot start is an error
   * (HostCommandError: not-found, spawn).
   */
  stream(command: StreamCommand): Promise<StreamResult>;
  /** Starts a long-running command and hands each line of its stdout to `onLine`. */
  follow(argv: readonly [string, ...string[]], onLine: (line: string) => void): LongRunning;
  /** Starts a long-running command that reads what is written to it. */
  converse(argv: readonly [string, ...string[]], onStdout: (chunk: string) => void, options?: ConverseOptions): Conversation;
  /** The absolute path of a program on the host's search path, or null. */
  findProgram(program: string): Promise<string | null>;
  /**
   * `$LIBVIRT_DEFAULT_URI` if set; else `qemu:///system` where the user may use it (root,
   * group libvirt), else `qemu:///session`.
   */
  defaultLibvirtUri(): Promise<string>;
}

export type HostCommandFailure = 'not-found' | 'timeout' | 'cancelled' | 'exit-code' | 'spawn';

/** A command that did not succeed, with everything needed to tell the user why. */
export class HostCommandError extends Error {
  constructor(
    readonly reason: HostCommandFailure,
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    /** What went wrong, for a person: through the catalogues (problems:tools.command.*). */
    readonly said: Said,
  ) {
    super(said.message);
    this.name = 'HostCommandError';
  }
}
