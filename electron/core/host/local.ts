import { access, constants, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { HostCommandError, type Host, type HostCommand, type HostResult, type LongRunning } from './host.js';

const DEFAULT_TIMEOUT_MS = 60_000;
/** Daemons and admin tools live in sbin, which a desktop user's PATH often leaves out. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The machine Snaptree runs on. */
export class LocalHost implements Host {
  readonly name = 'localhost';

  async run(command: HostCommand): Promise<HostResult> {
    const [program, ...args] = command.argv;
    const okExitCodes = command.okExitCodes ?? [0];
    // Loaded on first use: a scan that runs no process should not pay for loading it.
    const { execa } = await import('execa');
    const outputFile = command.largeOutput ? join(await mkdtemp(join(tmpdir(), 'snaptree-out-')), 'stdout') : null;
    const result = await execa(program, args, {
      stdout: outputFile === null ? 'pipe' : { file: outputFile },
      // Every string virsh prints is translatable; parsers need the C locale.
      env: { LC_ALL: 'C', LANG: 'C' },
      extendEnv: true,
      stdin: 'ignore',
      reject: false,
      timeout: command.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      cancelSignal: command.signal,
      stripFinalNewline: false,
    });
    let stdout = typeof result.stdout === 'string' ? result.stdout : '';
    if (outputFile !== null) {
      stdout = await readFile(outputFile, 'utf8').catch(() => '');
      await rm(dirname(outputFile), { recursive: true, force: true });
    }
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    const fail = (reason: HostCommandError['reason'], summary: string): never => {
      throw new HostCommandError(reason, command.argv, result.exitCode ?? null, stdout, stderr, summary);
    };
    if (result.isCanceled) fail('cancelled', `${program} was cancelled`);
    if (result.timedOut) {
      fail('timeout', `${program} did not finish within ${Math.round((command.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s and was stopped`);
    }
    if (result.exitCode === undefined) {
      const cause = result.cause as NodeJS.ErrnoException | undefined;
      if (cause?.code === 'ENOENT') fail('not-found', `${program} is not installed or not on the search path`);
      fail('spawn', `${program} could not be started: ${cause?.message ?? result.shortMessage ?? 'unknown error'}`);
    }
    const exitCode = result.exitCode as number;
    if (!okExitCodes.includes(exitCode)) {
      const detail = stderr.trim() || stdout.trim() || `exit code ${exitCode}`;
      fail('exit-code', `${program} failed (exit code ${exitCode}): ${detail}`);
    }
    return { stdout, stderr, exitCode };
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

  async findProgram(program: string): Promise<string | null> {
    const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
    for (const dir of dirs) {
      const candidate = join(dir, program);
      try {
        await access(candidate, constants.X_OK);
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
