import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostCommandError } from './host.js';
import { expectSaidInBoth } from '../said.test-support.js';
import { LocalHost } from './local.js';

const host = new LocalHost();
const node = process.execPath;

async function failure(promise: Promise<unknown>): Promise<HostCommandError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostCommandError);
  return error as HostCommandError;
}

describe('LocalHost.run against real processes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snaptree-runner-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes hostile file names through as single arguments, never to a shell', async () => {
    const names = [`$(touch ${join(dir, 'pwned')})`, '-rf', 'a b "c" \'d\'', 'ünïcødé ✓', '; ls'];
    const { stdout } = await host.run({ argv: [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...names] });
    expect(JSON.parse(stdout)).toEqual(names);
    expect(await readdir(dir)).toEqual([]);
  });

  it('collects megabytes of output through a file the child writes, and leaves no file behind', async () => {
    const scratch = await mkdtemp(join(dir, 'tmp-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const result = await host.run({ argv: [node, '-e', 'process.stdout.write("x".repeat(3_000_000) + "end")'], largeOutput: true });
      expect(result.stdout).toHaveLength(3_000_003);
      expect(result.stdout.endsWith('xend')).toBe(true);
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });

  it('gives a tool its input on stdin, which it can also open by name as /dev/stdin, and leaves no file behind', async () => {
    const scratch = await mkdtemp(join(dir, 'tmp-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const xml = "<domain><name>it's 名 $(x)</name></domain>\n";
      expect((await host.run({ argv: ['cat'], input: xml })).stdout).toBe(xml);
      // As virsh define --file /dev/stdin opens it: a pipe of Node's (a socket) would fail with ENXIO.
      expect((await host.run({ argv: ['cat', '/dev/stdin'], input: xml })).stdout).toBe(xml);
      expect((await host.run({ argv: ['cat'] })).stdout).toBe('');
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });

  it('runs every tool in the C locale so that parsers see English', async () => {
    const { stdout } = await host.run({ argv: [node, '-e', 'process.stdout.write(process.env.LC_ALL)'] });
    expect(stdout).toBe('C');
  });

  it('turns a non-zero exit into an error carrying argv, exit code and stderr', async () => {
    const error = await failure(host.run({ argv: [node, '-e', 'console.error("error: no such domain"); process.exit(3)'] }));
    expect(error.reason).toBe('exit-code');
    expect(error.exitCode).toBe(3);
    expect(error.stderr).toContain('error: no such domain');
    expect(error.argv[0]).toBe(node);
    expect(error.message).toContain('exit code 3');
  });

  it('accepts the exit codes a command declares as success', async () => {
    const result = await host.run({ argv: [node, '-e', 'process.exit(3)'], okExitCodes: [0, 2, 3] });
    expect(result.exitCode).toBe(3);
  });

  it('stops a process that runs past its timeout and says so', async () => {
    const started = Date.now();
    const error = await failure(host.run({ argv: ['sleep', '30'], timeoutMs: 300 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/did not finish within/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills the process when the job is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure(host.run({ argv: ['sleep', '30'], signal: controller.signal }));
    expect(error.reason).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a program that is not installed as not found', async () => {
    const error = await failure(host.run({ argv: ['snaptree-no-such-program-4711'] }));
    expect(error.reason).toBe('not-found');
    expect(error.message).toContain('not installed');
  });

  it('never starts a tool on a name that is not UTF-8: Node would hand it another name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'snaptree-host-name-'));
    const marker = join(dir, 'ran');
    const name = join(dir, 'disk-\udcff.qcow2');
    const error = await failure(host.run({ argv: [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`, name] }));
    expect(error.said).toMatchObject({ key: 'tools.command.nameNotUtf8', values: { argument: join(dir, 'disk-\\xff.qcow2') } });
    expect(await readdir(dir)).toEqual([]);
    expectSaidInBoth([error.said]);
    await rm(dir, { recursive: true });
  });

  it('says every failure through the catalogues, so that the window can say it in Chinese', async () => {
    const failures = [
      await failure(host.run({ argv: [node, '-e', 'console.error("error: no such domain"); process.exit(3)'] })),
      await failure(host.run({ argv: ['sleep', '30'], timeoutMs: 300 })),
      await failure(host.run({ argv: ['snaptree-no-such-program-4711'] })),
    ];
    expect(failures.map((error) => error.said.key)).toEqual(['tools.command.exitCode', 'tools.command.timeout', 'tools.command.notFound']);
    expect(failures[0]!.said.values).toMatchObject({ exitCode: 3, detail: 'error: no such domain' });
    expectSaidInBoth(failures.map((error) => error.said));
  });
});

describe('LocalHost.stream: a job step, read as it runs', () => {
  it('hands stdout and stderr over as they come, split nowhere inside a character, with the exit code', async () => {
    const script = 'process.stdout.write("(1.00/100%)\\r"); setTimeout(() => { process.stdout.write("ü✓\\n"); process.stderr.write("Block commit: [ 53 %]"); process.exit(4); }, 300)';
    const stdout: { chunk: string; at: number }[] = [];
    let stderr = '';
    const started = Date.now();
    const result = await host.stream({ argv: [node, '-e', script], onStdout: (chunk) => stdout.push({ chunk, at: Date.now() - started }), onStderr: (chunk) => (stderr += chunk) });
    expect(result).toEqual({ exitCode: 4, signal: null });
    expect(stdout.map(({ chunk }) => chunk).join('')).toBe('(1.00/100%)\rü✓\n');
    // The first piece arrived before the process ended, not all at the end.
    expect(stdout[0]!.at).toBeLessThan(250);
    expect(stderr).toBe('Block commit: [ 53 %]');
  });

  it('passes hostile names as single arguments, in the C locale, with no timeout of its own', async () => {
    const names = ['$(touch pwned)', '-rf', 'a b "c"', '\nnewline', 'ünïcødé'];
    let stdout = '';
    await host.stream({ argv: [node, '-e', 'setTimeout(() => console.log(JSON.stringify([process.env.LC_ALL, ...process.argv.slice(1)])), 100)', ...names], onStdout: (chunk) => (stdout += chunk) });
    expect(JSON.parse(stdout)).toEqual(['C', ...names]);
  });

  it('stops a process with SIGINT when aborted, so that qemu-img can end cleanly', async () => {
    const controller = new AbortController();
    let stdout = '';
    const running = host.stream({
      argv: [node, '-e', 'process.on("SIGINT", () => { console.log("interrupted"); process.exit(130); }); console.log("ready"); setInterval(() => {}, 1000)'],
      signal: controller.signal,
      onStdout: (chunk) => {
        stdout += chunk;
        if (stdout.includes('ready')) controller.abort();
      },
    });
    expect(await running).toEqual({ exitCode: 130, signal: null });
    expect(stdout).toContain('interrupted');
  });

  it("runs a tool in a process group of its own: Ctrl-C at the terminal reaches Snaptree, which cancels it, and never the tool first", async () => {
    let stdout = '';
    // process.getpgid is not in Node; the child asks the system for both groups.
    await host.stream({ argv: ['/bin/ps', '-o', 'pgid=', '-p', String(process.pid)], onStdout: (chunk) => (stdout += chunk) });
    const ours = stdout.trim();
    stdout = '';
    await host.stream({ argv: [node, '-e', 'console.log(require("node:child_process").execFileSync("/bin/ps", ["-o", "pgid=", "-p", String(process.pid)], { encoding: "utf8" }).trim())'], onStdout: (chunk) => (stdout += chunk) });
    expect(stdout.trim()).toMatch(/^\d+$/);
    expect(stdout.trim()).not.toBe(ours);
  });

  it('kills a process that outlives SIGINT', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = host.stream({
      argv: [node, '-e', 'process.on("SIGINT", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    expect(await running).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);

  it('says that a program is not installed, and refuses a name that is not UTF-8 before starting anything', async () => {
    const missing = await failure(host.stream({ argv: ['snaptree-no-such-program-4711'] }));
    expect(missing.reason).toBe('not-found');
    const dir = await mkdtemp(join(tmpdir(), 'snaptree-stream-name-'));
    const marker = join(dir, 'ran');
    const unsayable = await failure(host.stream({ argv: [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`, join(dir, 'disk-\udcff.qcow2')] }));
    expect(unsayable.said.key).toBe('tools.command.nameNotUtf8');
    expect(await readdir(dir)).toEqual([]);
    expectSaidInBoth([missing.said, unsayable.said]);
    await rm(dir, { recursive: true });
  });
});

describe('LocalHost.findProgram', () => {
  it('finds qemu-img on the search path', async () => {
    expect(await host.findProgram('qemu-img')).toMatch(/\/qemu-img$/);
  });
  it('finds daemons in sbin even when PATH leaves it out', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/usr/bin:/bin';
    try {
      expect(await host.findProgram('libvirtd')).toMatch(/sbin\/libvirtd$/);
    } finally {
      process.env.PATH = saved;
    }
  });
  it('answers null for a program that does not exist', async () => {
    expect(await host.findProgram('snaptree-no-such-program-4711')).toBeNull();
  });
});
