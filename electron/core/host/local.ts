import { displayPath, hasEscapedBytes } from '../../../shared/images/path-bytes.js';
import { say, type Said } from '../../../shared/messages/problems.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, createWriteStream } from 'node:fs';
import { access, constants, open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Options } from 'execa';
import { HostCommandError, type Conversation, type ConversationEnd, type ConverseOptions, type Host, type HostCommand, type HostResult, type LongRunning, type StreamCommand, type StreamResult } from './host.js';

const DEFAULT_TIMEOUT_MS = 60_000;
/** How long a stopped stream's process may take to end cleanly after SIGINT before SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** Daemons and admin tools live in sbin, which a desktop user's PATH often leaves out. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * util-linux's setpriv, which sets the parent-death signal of a process and then runs the
 * program in it (Node cannot call prctl): looked up once, and none where it is missing.
 */
let setpriv: Promise<string | null> | null = null;

/**
 * The argv that runs the program with SIGINT at this process's death. Only for a program
 * that is there to run: a missing one must fail to spawn, as it does unwrapped (setpriv
 * would start and say so in an exit code).
 */
async function withParentDeathSignal(host: Host, argv: readonly [string, ...string[]]): Promise<readonly [string, ...string[]]> {
  const [program] = argv;
  if (!program.startsWith('/') || (await access(program, constants.X_OK).then(() => false, () => true))) return argv;
  setpriv ??= host.findProgram('setpriv');
  const wrapper = await setpriv;
  return wrapper === null ? argv : [wrapper, '--pdeathsig', 'INT', '--', ...argv];
}

/** Linux's O_TMPFILE, which Node does not name: a file in a folder, with no name at all. */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

/**
 * A temporary file without a name: the child writes into it through the descriptor,
 * and nothing is left behind, even when this process is killed mid-command. Where the
 * file system cannot make one, a named file removed at once (killed between the two
 * steps, that leaves an empty file behind).
 */
async function unlinkedFile(): Promise<FileHandle> {
  try {
    return await open(tmpdir(), O_TMPFILE | constants.O_RDWR, 0o600);
  } catch {
    const path = join(tmpdir(), `snaptree-out-${randomBytes(6).toString('hex')}`);
    const handle = await open(path, 'wx+', 0o600);
    await unlink(path);
    return handle;
  }
}

/** Everything in the file, from its start (the child moved the shared offset to its end). */
async function readAll(handle: FileHandle): Promise<string> {
  const { size } = await handle.stat();
  const buffer = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.toString('utf8', 0, filled);
}

/**
 * A file name that is not UTF-8 (kept with escaped bytes) cannot reach a tool through
 * Node's spawn, which would write U+FFFD in its place: another file, perhaps another
 * image. Every tool runs through here, so no plan can make qemu-img write to it.
 */
function refuseUnsayable(argv: readonly [string, ...string[]]): void {
  const unsayable = argv.find(hasEscapedBytes);
  if (unsayable !== undefined) {
    throw new HostCommandError('spawn', argv, null, '', '', say('tools.command.nameNotUtf8', { program: argv[0], argument: displayPath(unsayable) }));
  }
}

/** The machine Snaptree runs on. */
export class LocalHost implements Host {
  readonly name = 'localhost';

  async run(command: HostCommand): Promise<HostResult> {
    const [program, ...args] = command.argv;
    refuseUnsayable(command.argv);
    const okExitCodes = command.okExitCodes ?? [0];
    // Loaded on first use: a scan that runs no process should not pay for loading it.
    const { execa } = await import('execa');
    const output = command.largeOutput ? await unlinkedFile() : null;
    // Input in a file without a name rather than a pipe: Node's pipes are sockets, which a
    // tool cannot open by name (`virsh define --file /dev/stdin` fails with ENXIO), and the
    // input (a domain's XML with its secrets) is never on disk under a name, even after a kill -9.
    const input = command.input === undefined ? null : await unlinkedFile();
    if (input !== null) await input.write(command.input!, 0);
    const running = execa(program, args, {
      // A stream with a descriptor is handed to the child as it is: the child writes the
      // file itself. Given the path, execa would copy every chunk through this process
      // (measured: 0.3–0.5 s of this process's CPU for 3.4 MB of virsh output).
      stdout: output === null ? 'pipe' : createWriteStream('', { fd: output.fd, autoClose: false }),
      // Every string virsh prints is translatable; parsers need the C locale.
      env: { LC_ALL: 'C', LANG: 'C' },
      extendEnv: true,
      stdin: (input?.fd ?? 'ignore') as Options['stdin'],
      reject: false,
      timeout: command.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      cancelSignal: command.signal,
      stripFinalNewline: false,
    });
    let result: Awaited<typeof running>;
    let stdout: string;
    try {
      result = await running;
      stdout = output === null ? (typeof result.stdout === 'string' ? result.stdout : '') : await readAll(output);
    } finally {
      await output?.close();
      await input?.close();
    }
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    const fail = (reason: HostCommandError['reason'], said: Said): never => {
      throw new HostCommandError(reason, command.argv, result.exitCode ?? null, stdout, stderr, said);
    };
    if (result.isCanceled) fail('cancelled', say('tools.command.cancelled', { program }));
    if (result.timedOut) {
      fail('timeout', say('tools.command.timeout', { program, seconds: Math.round((command.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000) }));
    }
    if (result.exitCode === undefined) {
      const cause = result.cause as NodeJS.ErrnoException | undefined;
      if (cause?.code === 'ENOENT') fail('not-found', say('tools.command.notFound', { program }));
      fail('spawn', say('tools.command.spawn', { program, detail: cause?.message ?? result.shortMessage ?? 'unknown error' }));
    }
    const exitCode = result.exitCode as number;
    if (!okExitCodes.includes(exitCode)) {
      const detail = stderr.trim() || stdout.trim() || `exit code ${exitCode}`;
      fail('exit-code', say('tools.command.exitCode', { program, exitCode, detail }));
    }
    return { stdout, stderr, exitCode };
  }

  async stream(command: StreamCommand): Promise<StreamResult> {
    refuseUnsayable(command.argv);
    const program = command.argv[0];
    const [spawned, ...args] = command.interruptedWithCaller ? await withParentDeathSignal(this, command.argv) : command.argv;
    const { signal } = command;
    if (signal?.aborted) return { exitCode: null, signal: 'SIGINT' };
    // A process group of its own: Ctrl-C at the terminal reaches Snaptree alone, which then
    // cancels the job the way the step says (SIGINT, a block job abort, or waiting for an
    // all-or-nothing step). Sent to the tool too, it ended a step before the cancel was
    // asked, and the job said failed, not cancelled.
    const child = spawn(spawned, args, { env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    // A decoder per pipe keeps a character cut between two chunks whole.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => command.onStdout?.(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => command.onStderr?.(chunk));
    let killer: NodeJS.Timeout | undefined;
    const interrupt = (): void => {
      child.kill('SIGINT');
      killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    };
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      return await new Promise<StreamResult>((resolve, reject) => {
        child.once('error', (error: NodeJS.ErrnoException) => {
          const said = error.code === 'ENOENT' ? say('tools.command.notFound', { program }) : say('tools.command.spawn', { program, detail: error.message });
          reject(new HostCommandError(error.code === 'ENOENT' ? 'not-found' : 'spawn', command.argv, null, '', '', said));
        });
        // 'close', not 'exit': the pipes are drained by then, so no output comes after the result.
        child.once('close', (exitCode, exitSignal) => resolve({ exitCode, signal: exitSignal }));
      });
    } finally {
      clearTimeout(killer);
      signal?.removeEventListener('abort', interrupt);
    }
  }

  follow(argv: readonly [string, ...string[]], onLine: (line: string) => void): LongRunning {
    const [program, ...args] = argv;
    const controller = new AbortController();
    const ended = (async () => {
      const { execa } = await import('execa');
      const child = execa(program, args, {
        env: { LC_ALL: 'C', LANG: 'C' },
        extendEnv: true,
        stdin: 'ignore',
        stderr: 'ignore',
        reject: false,
        cancelSignal: controller.signal,
        buffer: false,
      });
      for await (const line of child.iterable()) onLine(String(line));
      await child;
    })().catch(() => undefined);
    return { stop: () => controller.abort(), ended };
  }

  converse(argv: readonly [string, ...string[]], onStdout: (chunk: string) => void, options: ConverseOptions = {}): Conversation {
    const [program, ...args] = argv;
    const { onStderr, ownGroup = false, env = {} } = options;
    // INPUTRC: a user's own key bindings must not edit what is written to a readline shell.
    const child = spawn(program, args, {
      env: { ...process.env, ...env, LC_ALL: 'C', LANG: 'C', INPUTRC: '/dev/null' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: ownGroup,
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onStdout);
    // Read even when not wanted: a shell that fills an unread pipe stops.
    child.stderr.setEncoding('utf8').on('data', onStderr ?? (() => undefined));
    // A write after the process ended fails with EPIPE: the end is reported through `ended`.
    child.stdin.on('error', () => undefined);
    const ended = new Promise<ConversationEnd>((resolve) => {
      child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
      // `on`: a second error event with no listener would throw in this process.
      child.on('error', (error: NodeJS.ErrnoException) => {
        // Only a process that never started ends here: a running one ends with 'close'.
        if (child.pid !== undefined) return;
        const said = error.code === 'ENOENT' ? say('tools.command.notFound', { program }) : say('tools.command.spawn', { program, detail: error.message });
        resolve({ exitCode: null, signal: null, spawnError: new HostCommandError(error.code === 'ENOENT' ? 'not-found' : 'spawn', argv, null, '', '', said) });
      });
    });
    return {
      write: (text) => {
        if (child.exitCode === null && child.signalCode === null && child.stdin.writable) child.stdin.write(text);
      },
      stop: () => void child.kill('SIGTERM'),
      ended,
    };
  }

  async findProgram(program: string): Promise<string | null> {
    const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
    // One access(2) per folder, a few microseconds each: asked of the thread pool one after
    // another, every plan's two lookups waited behind the header reads of a job's start.
    for (const dir of dirs) {
      const candidate = join(dir, program);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory: keep looking
      }
    }
    return null;
  }

  async defaultLibvirtUri(): Promise<string> {
    // The same variable virsh honours: an admin who set it expects us to follow it.
    const chosen = process.env.LIBVIRT_DEFAULT_URI;
    if (chosen) return chosen;
    if (process.getuid?.() === 0) return 'qemu:///system';
    const libvirtGid = await groupId('libvirt');
    return libvirtGid !== null && process.getgroups?.().includes(libvirtGid) ? 'qemu:///system' : 'qemu:///session';
  }
}

/** The numeric id of a group from /etc/group (`libvirt:x:108:alice`), or null. */
async function groupId(name: string): Promise<number | null> {
  const groups = await readFile('/etc/group', 'utf8').catch(() => '');
  for (const line of groups.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined) return Number(gid);
  }
  return null;
}
