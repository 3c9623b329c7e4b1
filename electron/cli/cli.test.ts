import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreadableFolder } from '../core/images/corpus.test-support.js';
import { testDomains, URI, type TestDomains } from '../core/libvirt/domains.test-support.js';

const bin = fileURLToPath(new URL('../../bin/snaptree.js', import.meta.url));

/**
 * Runs the real `snaptree` command as a user would, and never throws on a failing exit.
 * A `timeout` kills a command that should have ended (a server that should not have started).
 */
async function snaptree(args: string[], { env = process.env, timeout = 0, cwd }: { env?: NodeJS.ProcessEnv; timeout?: number; cwd?: string } = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env, timeout, cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('snaptree scan', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'snaptree-cli-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'base.img'), '32M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.img', '-F', 'raw', join(dir, 'top.qcow2')]);
    execFileSync('qemu-img', ['snapshot', '-c', 'before', join(dir, 'top.qcow2')]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-u', '-b', 'gone.qcow2', '-F', 'qcow2', join(dir, 'orphan.qcow2'), '32M']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists what it skipped in a folder and why, in text and in JSON', async () => {
    const folder = join(dir, 'odd');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'pipe.qcow2')]);
    symlinkSync(join(folder, 'nowhere.qcow2'), join(folder, 'dangling.qcow2'));
    const text = await snaptree(['scan', folder]);
    expect(text.stdout).toContain(`skipped ${join(folder, 'pipe.qcow2')}: a FIFO (named pipe)`);
    expect(text.stdout).toContain(`skipped ${join(folder, 'dangling.qcow2')}:`);
    const { skipped } = JSON.parse((await snaptree(['scan', folder, '--json'])).stdout) as { skipped: { path: string; reason: string }[] };
    expect(skipped.map((entry) => entry.path)).toEqual([join(folder, 'dangling.qcow2'), join(folder, 'pipe.qcow2')]);
    rmSync(folder, { recursive: true });
  });

  it('prints the forest as JSON in the documented shape', async () => {
    const { code, stdout } = await snaptree(['scan', dir, '--json']);
    expect(code).toBe(0);
    const { images } = JSON.parse(stdout) as { images: Array<Record<string, unknown>> };
    const top = images.find((image) => image.path === join(dir, 'top.qcow2'))!;
    expect(top).toMatchObject({
      format: 'qcow2',
      virtualSize: 32 * 1024 * 1024,
      backing: { name: 'base.img', path: join(dir, 'base.img'), format: 'raw', exists: true },
      encrypted: false,
      corrupt: false,
      dirty: false,
      dataFile: null,
      problems: [],
    });
    expect(typeof top.actualSize).toBe('number');
    expect(top.snapshots).toEqual([
      expect.objectContaining({ id: '1', name: 'before', vmStateSize: 0, vmClockNs: 0, date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
    ]);
    const orphan = images.find((image) => image.path === join(dir, 'orphan.qcow2'))!;
    expect(orphan.problems).toEqual([expect.objectContaining({ code: 'missing-backing' })]);
  });

  it('exits 0 with problems, and prints a readable tree without --json', async () => {
    const { code, stdout } = await snaptree(['scan', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${join(dir, 'base.img')}  (raw`);
    expect(stdout).toContain(`└─ ${join(dir, 'top.qcow2')}  (qcow2`);
    expect(stdout).toContain('missing-backing');
  });

  it('prints what it read when a folder inside cannot be read, names that folder, and exits 1', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'snaptree-cli-unreadable-'));
    try {
      const watched = join(scratch, 'vm');
      mkdirSync(watched);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(watched, 'seen.qcow2'), '1M']);
      const unreadable = unreadableFolder(scratch, watched);
      const { code, stdout, stderr } = await snaptree(['scan', watched]);
      expect(code).toBe(1);
      expect(stdout).toContain(join(watched, 'seen.qcow2'));
      expect(stderr).toContain(`${unreadable}: This folder cannot be read`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('stops quietly when its reader closes the pipe early, as head does', async () => {
    // Enough images that the JSON outgrows the pipe's buffer before head has read it.
    const many = mkdtempSync(join(tmpdir(), 'snaptree-cli-many-'));
    try {
      for (let i = 0; i < 200; i++) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(many, `disk-${i}.qcow2`), '1M']);
      // The real head, reading 100 bytes and closing a real pipe, as in a shell (Node's
      // own stdio pipes are sockets whose buffers would take the whole output).
      const fifo = join(many, 'pipe');
      execFileSync('mkfifo', [fifo]);
      spawn('head', ['-c', '100', fifo], { stdio: 'ignore' });
      const out = openSync(fifo, 'w');
      const child = spawn(process.execPath, [bin, 'scan', many, '--json'], { stdio: ['ignore', out, 'pipe'] });
      closeSync(out);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(stderr).not.toMatch(/EPIPE|Error/);
      expect(code).toBe(0);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  }, 60_000);

  it('shows a backing name that holds terminal escapes escaped, and exactly in JSON', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'snaptree-cli-escapes-'));
    try {
      // Would set the terminal's title and clear its screen if printed raw.
      const name = '\x1b]0;title\x07\x1b[2J.qcow2';
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-u', '-b', name, '-F', 'qcow2', join(scratch, 'overlay.qcow2'), '1M']);
      const text = await snaptree(['scan', scratch]);
      expect(text.code).toBe(0);
      expect(text.stdout).not.toContain('\x1b');
      expect(text.stdout).not.toContain('\x07');
      expect(text.stdout).toContain(`${scratch}/\\e]0;title\\a\\e[2J.qcow2  (missing)`);
      expect(text.stdout).toContain('The backing file "\\e]0;title\\a\\e[2J.qcow2"');
      const { images } = JSON.parse((await snaptree(['scan', scratch, '--json'])).stdout) as { images: Array<{ backing: { name: string } | null }> };
      expect(images[0]!.backing!.name).toBe(name);
      const missing = await snaptree(['scan', join(scratch, name)]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`snaptree: ${scratch}/\\e]0;title\\a\\e[2J.qcow2: This path does not exist.\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('says clearly when a path does not exist, with exit code 2', async () => {
    const { code, stderr, stdout } = await snaptree(['scan', join(dir, 'nope'), '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 'nope')}: This path does not exist.`);
    expect(stdout).toBe('');
  });
});

describe('snaptree scan --connect', () => {
  let domains: TestDomains;
  beforeAll(() => {
    domains = testDomains();
  });
  afterAll(() => domains?.remove());

  it('adds every domain with its disks and snapshots, and links the images it uses', async () => {
    const guest = domains.define('cli');
    execFileSync('virsh', ['-c', URI, 'snapshot-create-as', guest.name, 'first', 'made by the CLI test'], { stdio: 'ignore' });
    const { code, stdout } = await snaptree(['scan', domains.dir, '--connect', URI, '--json']);
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as { images: Array<{ path: string; usedBy: unknown[] }>; domains: Array<Record<string, unknown>> };
    const domain = output.domains.find((candidate) => candidate.name === guest.name)!;
    expect(domain).toMatchObject({
      connection: URI,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'shut off',
      disks: [{ target: 'vda', format: 'qcow2', activePath: guest.disk, chain: [guest.disk] }],
      snapshots: [
        {
          name: 'first',
          parent: null,
          state: 'shutoff',
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          current: true,
          memory: 'no',
          memoryFile: null,
          disks: [{ target: 'vda', snapshot: 'internal', file: null }],
          problems: [],
        },
      ],
    });
    expect(output.images.find((image) => image.path === guest.disk)?.usedBy).toEqual([{ domain: guest.name, uuid: domain.uuid, target: 'vda', active: true }]);

    const text = await snaptree(['scan', '--connect', URI]);
    expect(text.stdout).toContain(`  ${guest.name}  (shut off`);
    expect(text.stdout).toMatch(/first {2}\(internal, disk only, shut off, .*\) {2}\* current\n\s+└─ NOW/);
    expect(text.stdout).toMatch(new RegExp(`^${URI}  \\(libvirt \\d+\\.\\d+\\.\\d+, QEMU \\d+\\.\\d+`, 'm'));
  });

  it('names the hypervisor the driver reports', async () => {
    // libvirt's in-process test driver: no daemon, one fixed domain.
    const { stdout } = await snaptree(['scan', '--connect', 'test:///default']);
    expect(stdout).toMatch(/^test:\/\/\/default {2}\(libvirt \d+\.\d+\.\d+, TEST \d/m);
  });

  it('refuses a URI that names a program to run, as the window does, and runs nothing', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'snaptree-cli-refuse-'));
    try {
      const marker = join(scratch, 'ran');
      const script = join(scratch, 'x.sh');
      writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
      for (const [uri, reason] of [
        [`qemu+ext:///system?command=${script}`, 'the ext transport runs a program'],
        [`qemu+ssh://h/system?command=${script}`, 'the parameter command= names a program to run'],
        [`qemu+ssh://h/system?COMMAND=${script}`, 'the parameter command= names a program to run'],
      ]) {
        const { code, stderr, stdout } = await snaptree(['scan', scratch, '--connect', uri!]);
        expect(code, uri).toBe(2);
        expect(stderr).toContain(`--connect "${uri}" refused: ${reason}`);
        expect(stdout).toBe('');
        expect(existsSync(marker), uri).toBe(false);
      }
      // An empty URI is no URI: virsh would take it for the default one.
      const empty = await snaptree(['scan', scratch, '--connect=']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('--connect "" refused: must be a libvirt URI');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('says which connection failed, with exit code 1, and still prints the images', async () => {
    const { code, stderr, stdout } = await snaptree(['scan', domains.dir, '--connect', 'qemu:///system?socket=/nonexistent/cli.sock', '--json']);
    expect(code).toBe(1);
    expect(stderr).toContain("Failed to connect socket to '/nonexistent/cli.sock'");
    expect(JSON.parse(stdout).images).toBeInstanceOf(Array);
  });
});

describe('snaptree demo', () => {
  it('makes the demo workspace in a new folder and refuses a folder that holds anything', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'snaptree-demo-'));
    try {
      // No daemon answers: the demo's domain is tested in demo-domain.test.ts, which removes it.
      const made = await snaptree(['demo', join(parent, 'demo')], { env: { ...process.env, LIBVIRT_DEFAULT_URI: 'qemu+unix:///system?socket=/nonexistent/snaptree-cli-demo.sock' } });
      expect(made.code).toBe(0);
      const { stdout } = await snaptree(['scan', join(parent, 'demo'), '--json']);
      const { images } = JSON.parse(stdout) as { images: Array<{ path: string; backing: { image: string } | null }> };
      const overlaysOf = (name: string) => images.filter((image) => image.backing?.image === join(parent, 'demo', name)).map((image) => image.path.slice(image.path.lastIndexOf('/') + 1)).sort();
      expect(overlaysOf('RootBase.qcow2')).toEqual(['Overlay-1.qcow2', 'Overlay-2.qcow2', 'Overlay-3.qcow2']);
      expect(overlaysOf('FedoraBase.img')).toEqual(['Fedora-guest-1.qcow2', 'Fedora-guest-2.qcow2']);

      const again = await snaptree(['demo', join(parent, 'demo')]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('is not empty');

      const file = join(parent, 'demo', 'RootBase.qcow2');
      const onFile = await snaptree(['demo', file]);
      expect(onFile).toMatchObject({ code: 2, stderr: `snaptree: ${file} is a file, not a folder: the demo goes into a new or empty folder.\n` });
      const belowFile = await snaptree(['demo', join(file, 'demo')]);
      expect(belowFile).toMatchObject({ code: 2, stderr: `snaptree: ${join(file, 'demo')} cannot be the demo folder: not a directory (ENOTDIR).\n` });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('snaptree on the command line', () => {
  it('lists its verbs', async () => {
    const { code, stdout } = await snaptree(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+serve /m);
    expect(stdout).toMatch(/^\s+tools /m);
  });

  it('prints the tools check as JSON', async () => {
    const { code, stdout } = await snaptree(['tools', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.qemuImg.version).toMatch(/^\d+\.\d+/);
    expect(report.daemon.reachable).toBe(true);
  });

  it('names the package to install for each missing tool', async () => {
    const { code, stdout } = await snaptree(['tools', '--json'], { env: { PATH: '/nonexistent', HOME: process.env.HOME } });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.qemuImg).toMatchObject({ path: null, package: 'qemu-utils' });
    expect(report.qemuImg.error).toContain('qemu-utils');
    expect(report.virsh).toMatchObject({ path: null, package: 'libvirt-clients' });
    expect(report.daemon.reachable).toBe(false);
    expect(report.daemon.error).toContain('libvirt-clients');
  });

  it('says so plainly for an unknown verb or a bad option, with exit code 2', async () => {
    const unknown = await snaptree(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown verb "frobnicate"');
    const badPort = await snaptree(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a number');
    const remote = await snaptree(['serve', '--host', '0.0.0.0']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('--allow-remote');
  });

  it('takes a port only in decimal digits from 0 to 65535', async () => {
    // Number() reads 0x50 as 80 and 1e3 as 1000: a server would start on a port nobody asked for.
    for (const port of ['0x50', '1e3', '08x', '-1', '65536', '']) {
      const { code, stderr } = await snaptree(['serve', `--port=${port}`], { timeout: 20_000 });
      expect(code, port).toBe(2);
      expect(stderr).toBe(`snaptree: --port must be a number from 0 to 65535 in decimal digits, not ${port}\n`);
    }
  });

  it('refuses an empty path instead of scanning the current folder', async () => {
    const here = mkdtempSync(join(tmpdir(), 'snaptree-cli-here-'));
    try {
      const { code, stderr, stdout } = await snaptree(['scan', ''], { cwd: here });
      expect(code).toBe(2);
      expect(stderr).toBe('snaptree: scan got an empty path: name a folder or an image file\n');
      expect(stdout).toBe('');
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });

  it('says in one line that its output cannot be written, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaptree-cli-full-'));
    try {
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'disk.qcow2'), '1M']);
      for (const json of [[], ['--json']]) {
        // As `snaptree scan DIR > /dev/full` in a shell: a disk with no space left.
        const full = openSync('/dev/full', 'w');
        const child = spawn(process.execPath, [bin, 'scan', dir, ...json], { stdio: ['ignore', full, 'pipe'] });
        closeSync(full);
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise((resolve) => child.once('close', resolve));
        expect(stderr).toBe('snaptree: cannot write output: no space left on device (ENOSPC)\n');
        expect(code).toBe(2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
