import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../host/host.js';
import { HostCommandError } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { DAEMON_SOCKET, door } from './daemon-door.test-support.js';
import { testDomains, URI, virsh, type TestDomains } from './domains.test-support.js';
import { failedBy, shellCommandOf, VirshStepShells } from './step-shells.js';

const VIRSH = '/usr/bin/virsh';

describe('which steps run in a virsh shell', () => {
  it('takes `virsh -c URI COMMAND ARGS…` whose every token the shell reads as written', () => {
    expect(shellCommandOf([VIRSH, '-c', URI, 'snapshot-create-as', '--domain', "it's; list", '--name', 's 1'])).toEqual({ virsh: VIRSH, uri: URI, command: ['snapshot-create-as', '--domain', "it's; list", '--name', 's 1'] });
  });

  it.each([
    ['another program', ['/usr/bin/qemu-img', 'info', '--', '/vm/a.qcow2']],
    ['virsh with no URI first', [VIRSH, 'snapshot-create-as', '--domain', 'web']],
    ['virsh with no command', [VIRSH, '-c', URI]],
    ['an option where the command goes', [VIRSH, '-c', URI, '--readonly', 'list']],
    ['a command word that is not one (the shell would split it)', [VIRSH, '-c', URI, 'list; destroy web']],
    ['a name readline would take as keys (not ASCII)', [VIRSH, '-c', URI, 'snapshot-create-as', '--domain', 'web', '--name', '测试']],
    ['a newline, which ends the shell’s line', [VIRSH, '-c', URI, 'snapshot-create-as', '--domain', 'web', '--description', 'two\nlines']],
    ['a tab, which the shell completes', [VIRSH, '-c', URI, 'snapshot-create-as', '--domain', 'web', '--name', 'a\tb']],
  ])('leaves %s to a process of its own', (_, argv) => {
    expect(shellCommandOf(argv)).toBeNull();
  });

  // What virsh 9.0 printed on stderr, captured: a failed command, and the notice that it connected again before one.
  it.each([
    ["error: failed to get domain 'nosuch'\n", true],
    ['error: Disconnected from qemu:///system due to end of file\nerror: End of file while reading data: Input/output error\n', true],
    ['error: Reconnected to the hypervisor\n', false],
    ['error: Disconnected from qemu:///system due to end of file\n', false],
    ['', false],
  ])('reads %j as failed: %s', (stderr, failed) => {
    expect(failedBy(stderr)).toBe(failed);
  });
});

/** The local host, counting the virsh shells it starts. */
function counting(): { host: Host; shells: () => number } {
  const local = new LocalHost();
  let shells = 0;
  const host = Object.assign(Object.create(local) as LocalHost, {
    converse: (...args: Parameters<LocalHost['converse']>) => {
      shells++;
      return local.converse(...args);
    },
  });
  return { host, shells: () => shells };
}

describe.skipIf(!existsSync(DAEMON_SOCKET))("a job's short virsh steps in a shell kept connected", () => {
  let domains: TestDomains;
  let guest: string;
  beforeAll(() => {
    domains = testDomains();
    guest = domains.define('guest').name;
  });
  afterAll(() => domains.remove());

  /** The same command run by virsh as a process, for what the shell's answer must match. */
  const asProcess = (command: string[]) => spawnSync(VIRSH, ['-c', URI, ...command], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });

  it('answers as the process would, in one shell kept for the next step', async () => {
    const { host, shells } = counting();
    const stepShells = new VirshStepShells(host);
    try {
      stepShells.prepare({ virsh: VIRSH, uri: URI });
      const command = ['domstate', '--domain', guest] as const;
      const said = await stepShells.run({ virsh: VIRSH, uri: URI, command });
      const bare = asProcess([...command]);
      expect(said).toEqual({ exitCode: bare.status, signal: null, stdout: bare.stdout, stderr: bare.stderr });
      expect(said.stdout).toBe('shut off\n\n');
      await stepShells.run({ virsh: VIRSH, uri: URI, command });
      expect(shells()).toBe(1);
    } finally {
      stepShells.close();
    }
  });

  it('says a command failed with exit code 1 and libvirt’s words, as virsh exits and says it', async () => {
    const stepShells = new VirshStepShells(new LocalHost());
    try {
      const command = ['snapshot-create-as', '--domain', `${domains.prefix}-no-such-guest`, '--name', 's1'] as const;
      const said = await stepShells.run({ virsh: VIRSH, uri: URI, command });
      const bare = asProcess([...command]);
      expect(bare.status).toBe(1);
      expect(said).toMatchObject({ exitCode: 1, signal: null, stderr: bare.stderr });
      expect(said.stderr).toMatch(/failed to get domain/);
    } finally {
      stepShells.close();
    }
  });

  it('says an option this virsh does not know as the process would (exit code 1, its words), and answers the next step', async () => {
    const stepShells = new VirshStepShells(new LocalHost());
    try {
      const command = ['domstate', '--domain', guest, '--snaptree-no-such-option'] as const;
      const said = await stepShells.run({ virsh: VIRSH, uri: URI, command });
      const bare = asProcess([...command]);
      expect(bare.status).toBe(1);
      expect(said).toMatchObject({ exitCode: 1, stdout: '', stderr: bare.stderr });
      expect((await stepShells.run({ virsh: VIRSH, uri: URI, command: ['domstate', '--domain', guest] })).exitCode).toBe(0);
    } finally {
      stepShells.close();
    }
  });

  it('takes a snapshot whose name holds quotes, `;`, `$(...)` and a leading dash as that one name, running nothing else', async () => {
    const stepShells = new VirshStepShells(new LocalHost());
    // No `/`: libvirt refuses it in a snapshot's name, whoever asks.
    const name = `-it's; snapshot-delete --domain ${guest} --current; $(touch x) "q" \\`;
    try {
      const said = await stepShells.run({ virsh: VIRSH, uri: URI, command: ['snapshot-create-as', '--domain', guest, '--name', name] });
      expect(said).toMatchObject({ exitCode: 0, stderr: '', stdout: `Domain snapshot ${name} created\n` });
      expect(virsh('snapshot-list', '--domain', guest, '--name').split('\n').filter(Boolean)).toEqual([name]);
      virsh('snapshot-delete', '--domain', guest, '--snapshotname', name);
    } finally {
      stepShells.close();
    }
  });

  it('runs on after the daemon restarted while the shell was idle: the reconnect notice is no failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaptree-step-shell-'));
    const uri = `qemu:///system?socket=${join(dir, 'libvirt-sock')}`;
    const { server, cut } = await door(join(dir, 'libvirt-sock'));
    const { host, shells } = counting();
    const stepShells = new VirshStepShells(host);
    const command = ['domstate', '--domain', guest] as const;
    try {
      expect((await stepShells.run({ virsh: VIRSH, uri, command })).exitCode).toBe(0);
      cut();
      const after = await stepShells.run({ virsh: VIRSH, uri, command });
      expect(after).toMatchObject({ exitCode: 0, stdout: 'shut off\n\n' });
      // The kept shell connects again, or dies on the dead socket before the command began
      // (a race: SIGPIPE), and the command is asked of a new one.
      expect(shells()).toBeLessThanOrEqual(2);

      server.close();
      cut(); // the daemon stops: the step fails, with virsh's words for it
      const stopped = await stepShells.run({ virsh: VIRSH, uri, command });
      expect(stopped.exitCode).not.toBe(0);
      expect(stopped.stderr).toMatch(/connect|End of file|Disconnected/);
    } finally {
      stepShells.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs two steps at once in two shells, and keeps one of them idle', async () => {
    const { host, shells } = counting();
    const stepShells = new VirshStepShells(host);
    const command = ['domstate', '--domain', guest] as const;
    try {
      const both = await Promise.all([stepShells.run({ virsh: VIRSH, uri: URI, command }), stepShells.run({ virsh: VIRSH, uri: URI, command })]);
      expect(both.map((said) => said.exitCode)).toEqual([0, 0]);
      expect(shells()).toBe(2);
      await stepShells.run({ virsh: VIRSH, uri: URI, command });
      expect(shells()).toBe(2);
    } finally {
      stepShells.close();
    }
  });
});

describe("a shell that cannot run a step says so as the process would", () => {
  it('a daemon that never answers: exit code 1 and why, as virsh exits when its first connection fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaptree-step-shell-'));
    const stepShells = new VirshStepShells(new LocalHost());
    try {
      const said = await stepShells.run({ virsh: VIRSH, uri: `qemu:///system?socket=${join(dir, 'no-daemon')}`, command: ['domstate', '--domain', 'web'] });
      expect(said.exitCode).toBe(1);
      expect(said.stderr).toMatch(/failed to connect to the hypervisor/);
    } finally {
      stepShells.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('virsh not installed: the command is not run, and the error says which program is missing', async () => {
    const stepShells = new VirshStepShells(new LocalHost());
    try {
      const error = await stepShells.run({ virsh: '/nonexistent/virsh', uri: URI, command: ['list'] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HostCommandError);
      expect((error as HostCommandError).said).toMatchObject({ key: 'tools.command.notFound', values: { program: '/nonexistent/virsh' } });
    } finally {
      stepShells.close();
    }
  });
});
