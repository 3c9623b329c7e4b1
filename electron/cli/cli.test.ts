import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { unreadableFolder } from '../core/images/corpus.test-support.js';
import { waitFor } from '../core/jobs/jobs.test-support.js';
import { testDomains, URI, virsh, type TestDomains } from '../core/libvirt/domains.test-support.js';
import { shellLine } from '../../shared/shell-words.js';

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
    for (const verb of ['plan', 'run', 'jobs', 'trash']) expect(stdout).toMatch(new RegExp(`^\\s+${verb} `, 'm'));
    expect(stdout).toContain('3 refused');
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

describe('snaptree plan, run, jobs and trash', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'snaptree-cli-change-'));
    // The journal, the trash's records and the data folder of these tests alone.
    env = { ...process.env, XDG_STATE_HOME: join(dir, 'state'), XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => snaptree(args, { env, cwd: dir });
  const info = (path: string) => JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', '--', path], { encoding: 'utf8' })) as { format: string; 'backing-filename'?: string };
  /** A raw image holding data (random bytes at a few places), so that a copy that loses any is seen. */
  function rawWithData(path: string): void {
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', '--', path, '16M']);
    for (const offset of ['0', '5M', '15M']) execFileSync('qemu-io', ['-f', 'raw', '-c', `write -P 0xa5 ${offset} 512k`, '--', path], { stdio: 'ignore' });
  }

  it('says what is wrong with the words, with exit code 2, and runs nothing', async () => {
    for (const [args, message] of [
      [['plan', 'merge', 'web', 's1'], 'Unknown intent "merge"'],
      [['plan', 'overlay', './base.qcow2'], 'overlay takes IMAGE NEW'],
      [['plan', 'convert', 'seed.img', './x.qcow2'], '"seed.img" is not an image path'],
      [['plan', 'overlay', './a', './b', '--live'], '--live does not go with overlay'],
      [['plan', 'overlay', './a', './b', '--yes'], '--yes goes with run'],
      [['plan', 'snapshot', 'web', 's', '--connect', 'qemu+ext:///system?command=/bin/true'], 'refused: the ext transport runs a program'],
      [['trash', 'burn'], 'trash takes list, restore JOB, or empty --yes'],
    ] as const) {
      const { code, stderr, stdout } = await run([...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain(message);
      expect(stdout).toBe('');
    }
  });

  it('an image another program\'s QEMU holds (qemu-io here) gets no overlay, no internal snapshot and no repair; a check reads it with -U', async () => {
    const held = join(dir, 'held.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', held, '16M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x42 0 1M', '--', held], { stdio: 'ignore' });
    const qemuIo = spawn('qemu-io', ['-f', 'qcow2', '--', held], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await waitFor(() => readFileSync('/proc/locks', 'utf8').includes(`:${statSync(held).ino} `));
      for (const [args, said] of [
        [['run', 'overlay', './held.qcow2', './held-overlay.qcow2', '--yes'], 'if that QEMU writes it, it changes under any overlay made on it'],
        [['run', 'snapshot', './held.qcow2', 's1', '--yes'], 'is open in a QEMU that libvirt does not run'],
        [['run', 'check', './held.qcow2', '--repair', 'leaks', '--yes'], 'is open in a QEMU that libvirt does not run'],
      ] as const) {
        const { code, stderr } = await run([...args]);
        expect(code, args.join(' ')).toBe(3);
        expect(stderr).toContain(said);
      }
      expect(existsSync(join(dir, 'held-overlay.qcow2'))).toBe(false);
      const checked = await run(['run', 'check', './held.qcow2', '--yes']);
      expect(checked.code, checked.stderr).toBe(0);
      expect(checked.stderr).toContain(`check -U --output=json -f qcow2 -- ${held}`);
    } finally {
      qemuIo.stdin.end('quit\n');
      await new Promise((resolve) => qemuIo.once('exit', resolve));
    }
    expect(execFileSync('qemu-img', ['snapshot', '-l', '--', held], { encoding: 'utf8' })).toBe('');

    // Held only to be read (qemu-io -r, as another guest holds its backing file): an overlay on it is planned.
    const reader = spawn('qemu-io', ['-r', '-f', 'qcow2', '--', held], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await waitFor(() => readFileSync('/proc/locks', 'utf8').includes(`:${statSync(held).ino} `));
      const planned = await run(['plan', 'overlay', './held.qcow2', './read-overlay.qcow2']);
      expect(planned.code, planned.stderr).toBe(0);
    } finally {
      reader.stdin.end('quit\n');
      await new Promise((resolve) => reader.once('exit', resolve));
    }
  }, 60_000);

  it('refuses a new file in a folder that is not there, before anything runs (exit 3)', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'no-folder-base.qcow2'), '16M']);
    const { code, stderr } = await run(['run', 'overlay', './no-folder-base.qcow2', './missing-dir/new.qcow2', '--yes']);
    expect(code).toBe(3);
    expect(stderr).toContain(`There is no folder ${join(dir, 'missing-dir')} to make ${join(dir, 'missing-dir', 'new.qcow2')} in.`);
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
  });

  it('plans an overlay: prints the exact create command and creates nothing', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'plan-base.qcow2'), '16M']);
    const { code, stdout } = await run(['plan', 'overlay', './plan-base.qcow2', './plan-new.qcow2']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Plan: /);
    expect(stdout).toMatch(/\$ \S*qemu-img create -f qcow2 -b plan-base\.qcow2 -F qcow2 -- \S*\/plan-new\.qcow2\n/);
    expect(existsSync(join(dir, 'plan-new.qcow2'))).toBe(false);
    const plan = JSON.parse((await run(['plan', 'overlay', './plan-base.qcow2', './plan-new.qcow2', '--json'])).stdout) as { creates: string[]; blockers: unknown[] };
    expect(plan).toMatchObject({ creates: [join(dir, 'plan-new.qcow2')], blockers: [] });
  });

  it('runs an overlay without a terminal only with --yes, and lists the job it ran', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'run-base.qcow2'), '16M']);
    // Data in the base, kept as the guest sees it: the overlay must show it and the base must not change.
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x7e 2M 1M', '--', join(dir, 'run-base.qcow2')], { stdio: 'ignore' });
    const baseBefore = join(dir, 'run-base-before.raw');
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', '--', join(dir, 'run-base.qcow2'), baseBefore]);
    const asked = await run(['run', 'overlay', './run-base.qcow2', './run-new.qcow2']);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('add --yes');
    expect(existsSync(join(dir, 'run-new.qcow2'))).toBe(false);

    const { code, stdout, stderr } = await run(['run', 'overlay', './run-base.qcow2', './run-new.qcow2', '--yes', '--json']);
    expect(code, stderr).toBe(0);
    const job = JSON.parse(stdout) as { id: string; state: string };
    expect(job.state).toBe('done');
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', baseBefore, join(dir, 'run-base.qcow2')]);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', baseBefore, join(dir, 'run-new.qcow2')]);
    expect(stderr).toContain('Step 1/1: ');
    expect(info(join(dir, 'run-new.qcow2'))).toMatchObject({ format: 'qcow2', 'backing-filename': 'run-base.qcow2' });
    const jobs = JSON.parse((await run(['jobs', '--json'])).stdout) as Array<{ id: string; state: string }>;
    expect(jobs).toContainEqual(expect.objectContaining({ id: job.id, state: 'done' }));
    expect((await run(['jobs'])).stdout).toContain(`${job.id}  done  `);
  });

  // A terminal for the CLI: Python's pty.spawn runs it (an argument array, no shell) on a
  // pseudo-terminal and passes our stdin to it as typed keys.
  const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find((path) => existsSync(path));
  it.skipIf(python === undefined)('asks on a terminal before it runs, and runs nothing on no (skipped where python3 is not installed: it provides the pseudo-terminal)', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'asked-base.qcow2'), '16M']);
    const onTerminal = (answer: string, target: string) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(python!, ['-c', 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, bin, 'run', 'overlay', './asked-base.qcow2', target], { env, cwd: dir });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Run this plan? [y/N]') && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
        });
        child.once('close', (code) => resolve({ code, output }));
      });
    const no = await onTerminal('n', './asked-no.qcow2');
    expect(no.code).toBe(1);
    expect(no.output).toContain('nothing was run');
    expect(existsSync(join(dir, 'asked-no.qcow2'))).toBe(false);
    const yes = await onTerminal('y', './asked-yes.qcow2');
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toContain('Step 1/1: ');
    expect(info(join(dir, 'asked-yes.qcow2'))['backing-filename']).toBe('asked-base.qcow2');
  }, 60_000);

  it.skipIf(python === undefined)('cancels when its terminal closes (SIGHUP), though nothing can be said on it any more: the journal says what the cancel left', async () => {
    const source = join(dir, 'hangup.img');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', source, '512M']);
    execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5c 0 512M', source], { stdio: 'ignore' });
    const target = join(dir, 'hangup.qcow2');
    // On a terminal of its own; once the copy is under way the terminal is closed, which hangs it up.
    const script = [
      'import os, pty, sys, time',
      'pid, fd = pty.fork()',
      'if pid == 0: os.execv(sys.argv[1], sys.argv[1:-1])',
      'while not os.path.exists(sys.argv[-1]):',
      '    try: os.read(fd, 65536)',
      '    except OSError: break',
      '    time.sleep(0.01)',
      'os.close(fd)',
      'sys.exit(os.waitpid(pid, 0)[1] >> 8)',
    ].join('\n');
    // A journal of its own: the Ctrl-C test counts the trash of the shared one.
    const own = { ...env, XDG_STATE_HOME: join(dir, 'hangup-state') };
    const child = spawn(python!, ['-c', script, process.execPath, bin, 'run', 'convert', source, target, '--yes', target], { env: own, cwd: dir, stdio: 'ignore' });
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    const jobs = JSON.parse((await snaptree(['jobs', '--json'], { env: own, cwd: dir })).stdout) as Array<{ state: string; plan: { steps: Array<{ argv?: string[] }> }; left: Array<{ message: string }> }>;
    const job = jobs.find((candidate) => candidate.plan.steps[0]?.argv?.includes(target))!;
    expect(job.state).toBe('cancelled');
    expect(job.left.map((left) => left.message).join('\n')).toContain(`The half-made file ${target} was moved to the trash`);
    expect(existsSync(target)).toBe(false);
  }, 120_000);

  it('refuses a blocked plan with exit code 3 and its sentence: an internal snapshot in an image other overlays use', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'shared-base.qcow2'), '16M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'shared-base.qcow2', '-F', 'qcow2', join(dir, 'shared-top.qcow2')]);
    for (const verb of ['plan', 'run']) {
      const { code, stderr } = await run([verb, 'snapshot', './shared-base.qcow2', 's1', '--yes'].filter((word) => verb === 'run' || word !== '--yes'));
      expect(code, verb).toBe(3);
      expect(stderr).toMatch(/^Blocked: .*shared-base\.qcow2 is the backing file of .*shared-top\.qcow2/m);
    }
    expect(execFileSync('qemu-img', ['snapshot', '-l', join(dir, 'shared-base.qcow2')], { encoding: 'utf8' })).toBe('');
  });

  it('reverts an image no domain uses to its internal snapshot, and refuses one that an overlay builds on', async () => {
    const image = join(dir, 'image-rev.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '16M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x4a 0 1M', image], { stdio: 'ignore' });
    const atSnapshot = join(dir, 'image-rev-at.raw');
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', image, atSnapshot]);
    execFileSync('qemu-img', ['snapshot', '-c', 'before it ✓', image]);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x4b 0 2M', image], { stdio: 'ignore' });
    const { code, stderr } = await run(['run', 'revert', './image-rev.qcow2', 'before it ✓', '--yes']);
    expect(code, stderr).toBe(0);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', atSnapshot, image]);

    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'image-rev.qcow2', '-F', 'qcow2', join(dir, 'image-rev.top.qcow2')]);
    const blocked = await run(['run', 'revert', './image-rev.qcow2', 'before it ✓', '--yes']);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toMatch(/^Blocked: .*image-rev\.qcow2 is the backing file of .*image-rev\.top\.qcow2/m);
  });

  it("deletes an image's internal snapshot whose name a shell would take apart: the image reads as before, the other snapshot as it did", async () => {
    const image = join(dir, 'image-del.qcow2');
    const hostile = `-$(touch pwned) 'q' --x ✓`;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '16M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 1M', image], { stdio: 'ignore' });
    execFileSync('qemu-img', ['snapshot', '-c', 'keep', image]);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5b 0 2M', image], { stdio: 'ignore' });
    execFileSync('qemu-img', ['snapshot', '-c', hostile, image]);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5c 1M 1M', image], { stdio: 'ignore' });
    const raw = (name: string, ...snapshot: string[]) => {
      const path = join(dir, `image-del-${name}.raw`);
      execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', ...snapshot, image, path]);
      return path;
    };
    const [now, kept] = [raw('now'), raw('keep', '-l', 'snapshot.name=keep')];

    // A word that starts with a dash follows `--`, as for any command.
    const { code, stderr } = await run(['run', 'delete', './image-del.qcow2', '--yes', '--', hostile]);
    expect(code, stderr).toBe(0);
    const table = execFileSync('qemu-img', ['snapshot', '-l', image], { encoding: 'utf8' });
    expect(table).toContain('keep');
    expect(table).not.toContain('pwned');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', now, image]);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', kept, raw('keep-after', '-l', 'snapshot.name=keep')]);
  });

  it('reads a bare word as a domain for snapshot, revert and delete alike, and points at the file of that name when there is no such domain', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'word.qcow2'), '16M']);
    execFileSync('qemu-img', ['snapshot', '-c', 's1', join(dir, 'word.qcow2')]);
    for (const verb of ['snapshot', 'revert', 'delete']) {
      const { code, stderr } = await run(['plan', verb, 'word.qcow2', 's1']);
      expect(code, verb).toBe(3);
      expect(stderr).toContain('There is no domain word.qcow2');
      expect(stderr).toContain('"word.qcow2" is a file here: a bare word names a domain, an IMAGE is written as a path (./word.qcow2)');
    }
    const { code, stdout } = await run(['plan', 'delete', './word.qcow2', 's1']);
    expect(code).toBe(0);
    expect(stdout).toContain(`qemu-img snapshot -d s1 --image-opts driver=qcow2,file.driver=file,file.filename=${join(dir, 'word.qcow2')}`);
  });

  it('never writes over a file that exists: exit code 3, and the file is unchanged', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'keep-base.qcow2'), '16M']);
    writeFileSync(join(dir, 'taken.qcow2'), 'precious');
    const { code, stderr } = await run(['run', 'overlay', './keep-base.qcow2', './taken.qcow2', '--yes']);
    expect(code).toBe(3);
    expect(stderr).toContain('taken.qcow2');
    expect(readFileSync(join(dir, 'taken.qcow2'), 'utf8')).toBe('precious');
  });

  it('converts a raw image holding data into qcow2 with the same guest-visible bytes', async () => {
    rawWithData(join(dir, 'seed.img'));
    const { code, stderr } = await run(['run', 'convert', './seed.img', './seed.qcow2', '--yes']);
    expect(code, stderr).toBe(0);
    expect(info(join(dir, 'seed.qcow2')).format).toBe('qcow2');
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', join(dir, 'seed.img'), join(dir, 'seed.qcow2')]);
  });

  it('shows a name holding terminal escapes escaped in the plan, and exactly in its JSON', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'escapes-base.qcow2'), '16M']);
    const target = join(dir, '\x1b]0;title\x07\x1b[2J.qcow2');
    const { code, stdout } = await run(['plan', 'overlay', './escapes-base.qcow2', target]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\x1b');
    expect(stdout).not.toContain('\x07');
    // The command in $'…', which bash reads back as the name itself.
    expect(stdout).toContain(`-- $'${dir}/\\e]0;title\\a\\e[2J.qcow2'\n`);
    const plan = JSON.parse((await run(['plan', 'overlay', './escapes-base.qcow2', target, '--json'])).stdout) as { creates: string[] };
    expect(plan.creates).toEqual([target]);
  });

  it('runs a check and prints what qemu-img found', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'checked.qcow2'), '16M']);
    const { code, stdout } = await run(['run', 'check', './checked.qcow2', '--yes']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Step 1 printed:\n\{\n.*"check-errors": 0,/ms);
  });

  it('takes an internal snapshot of a free qcow2 holding data: qemu-img lists it, and the guest sees the same bytes', async () => {
    const image = join(dir, 'free.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', image, '16M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 1M 2M', '--', image], { stdio: 'ignore' });
    const before = join(dir, 'free-before.raw');
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', '--', image, before]);
    const { code, stderr } = await run(['run', 'snapshot', './free.qcow2', 'before upgrade', '--yes']);
    expect(code, stderr).toBe(0);
    expect(execFileSync('qemu-img', ['snapshot', '-l', '--', image], { encoding: 'utf8' })).toMatch(/\bbefore upgrade\b/);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', before, image]);
  });

  it('repairs leaked clusters where no QEMU holds the image: check is clean afterwards and the data is as it was', async () => {
    const image = join(dir, 'leaky.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', image, '16M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x3c 0 1M', '--', image], { stdio: 'ignore' });
    // A leak as a crash leaves one: a cluster past the end counted in the refcount block, referenced by nothing.
    const header = readFileSync(image);
    const clusterBits = header.readUInt32BE(20);
    const refcountBlock = Number(header.readBigUInt64BE(Number(header.readBigUInt64BE(48))));
    const leaked = Math.ceil(header.length / 2 ** clusterBits);
    const fd = openSync(image, 'r+');
    writeSync(fd, Buffer.from([0, 1]), 0, 2, refcountBlock + 2 * leaked);
    ftruncateSync(fd, (leaked + 1) * 2 ** clusterBits);
    closeSync(fd);
    const checkOf = () => JSON.parse(spawnSync('qemu-img', ['check', '--output=json', '--', image], { encoding: 'utf8' }).stdout) as { leaks?: number; corruptions?: number };
    expect(checkOf().leaks).toBe(1);
    const before = join(dir, 'leaky-before.raw');
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', '--', image, before]);

    const { code, stderr } = await run(['run', 'check', './leaky.qcow2', '--repair', 'leaks', '--yes']);
    expect(code, stderr).toBe(0);
    expect(checkOf()).toEqual(expect.not.objectContaining({ leaks: expect.any(Number) }));
    expect(checkOf().corruptions ?? 0).toBe(0);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', before, image]);
  });

  it('takes names with spaces, quotes, $(…), a leading dash and Unicode through overlay and convert', async () => {
    const hostile = join(dir, "-x 'q' \"d\" $(touch pwned) 名前");
    mkdirSync(hostile);
    rawWithData(join(hostile, '-seed $(x).img'));
    const converted = join(hostile, "-it's $(x) 名.qcow2");
    const overlay = join(hostile, '-overlay "q" $(x).qcow2');
    expect((await run(['run', 'convert', join(hostile, '-seed $(x).img'), converted, '--yes'])).code).toBe(0);
    const planned = await run(['plan', 'overlay', converted, overlay]);
    // Quoted as a shell reads it back, and shown with nothing escaped.
    expect(planned.stdout).toContain(` -- ${shellLine([overlay])}\n`);
    expect((await run(['run', 'overlay', converted, overlay, '--yes'])).code).toBe(0);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', join(hostile, '-seed $(x).img'), overlay]);
    expect(info(overlay)['backing-filename']).toBe("-it's $(x) 名.qcow2");
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync('pwned')).toBe(false);
  });
  it('prints a command whose file name holds a tab so that it pastes into bash as the very argv the plan runs', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--', join(dir, "John's disk.qcow2"), '16M']);
    const args = ['plan', 'overlay', "./John's disk.qcow2", './new\ttab.qcow2'];
    const text = await run(args);
    expect(text.code, text.stderr).toBe(0);
    const line = text.stdout.split('\n').find((candidate) => candidate.trimStart().startsWith('$ '))!.trimStart().slice(2);
    expect(line).not.toContain('\t');
    const { steps } = JSON.parse((await run([...args, '--json'])).stdout) as { steps: Array<{ argv: string[] }> };
    const pasted = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
    expect(pasted.split('\0').slice(0, -1)).toEqual(steps[0]!.argv);
  });

  /**
   * `run convert` of a raw image holding `size` of data (enough that the copy still runs when
   * stopped), stopped by `stop` once qemu-img has begun writing the target.
   */
  /** Runs a convert and stops it once `ready` (by default: once qemu-img has made the target). */
  async function convertStopped(name: string, size: string, args: string[], spawnOptions: { detached?: boolean; output?: boolean; ready?: (stderr: string) => boolean }, stop: (child: ChildProcess) => void) {
    const source = join(dir, `${name}.img`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', source, size]);
    execFileSync('qemu-io', ['-f', 'raw', '-c', `write -P 0x5a 0 ${size}`, source], { stdio: 'ignore' });
    const target = join(dir, `${name}.qcow2`);
    const child = spawn(process.execPath, [bin, 'run', 'convert', source, target, '--yes', ...args], { env, cwd: dir, stdio: spawnOptions.output === false ? 'ignore' : ['ignore', 'pipe', 'pipe'], detached: spawnOptions.detached ?? false });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = spawnOptions.ready ?? (() => existsSync(target));
    const stopping = setInterval(() => {
      if (!ready(stderr)) return;
      stop(child);
      clearInterval(stopping);
    }, 10);
    const code = await new Promise((resolve) => child.once('close', resolve));
    clearInterval(stopping);
    return { source, target, code, stdout, stderr };
  }

  it('cancels on Ctrl-C and says what the cancel left; the trash lists the half-made file, will not restore it over a file, and restores it once the place is free', async () => {
    // In a process group of its own, as a shell's foreground job is. Ctrl-C as a terminal sends
    // it, to the whole group, so qemu-img gets it too and the job must still end cancelled, not failed.
    const { target, code, stdout, stderr } = await convertStopped('big', '1G', ['--json'], { detached: true }, (child) => process.kill(-child.pid!, 'SIGINT'));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('cancelling: waiting for the job to say what it left');
    const job = JSON.parse(stdout) as { id: string; state: string; left: Array<{ message: string }> };
    expect(job.state).toBe('cancelled');
    expect(job.left.map((left) => left.message).join('\n')).toContain(`The half-made file ${target} was moved to the trash`);
    expect(existsSync(target)).toBe(false);

    const [entry, ...others] = JSON.parse((await run(['trash', '--json'])).stdout) as Array<{ job: string; path: string; trashed: string }>;
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ job: job.id, path: target });
    expect((await run(['trash'])).stdout).toContain(`${job.id}  `);
    writeFileSync(target, 'new');
    const refused = await run(['trash', 'restore', job.id]);
    expect(refused.code).toBe(3);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(existsSync(entry!.trashed)).toBe(true);

    rmSync(target);
    const restored = await run(['trash', 'restore', job.id]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(target);
    expect(existsSync(target)).toBe(true);
    expect(JSON.parse((await run(['trash', '--json'])).stdout)).toEqual([]);
  }, 120_000);
  it('cancels on a kill (SIGTERM to the CLI alone) as on Ctrl-C: the job says what the cancel left', async () => {
    const { target, code, stdout, stderr } = await convertStopped('terminated', '512M', ['--json'], {}, (child) => child.kill('SIGTERM'));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('cancelling: waiting for the job to say what it left');
    const job = JSON.parse(stdout) as { state: string; left: Array<{ message: string }> };
    expect(job.state).toBe('cancelled');
    expect(job.left.map((left) => left.message).join('\n')).toContain(`The half-made file ${target} was moved to the trash`);
    expect(existsSync(target)).toBe(false);
  }, 120_000);
  it('a kill that comes while the job is being started cancels it as soon as it has started (it had ended the CLI and left the tool running)', async () => {
    // The plan is on stderr, the start is on its way: the signal comes before the job has an id.
    const { source, target, code, stdout, stderr } = await convertStopped('starting', '512M', ['--json'], { ready: (text) => text.includes('If cancelled:') }, (child) => child.kill('SIGTERM'));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('cancelling: waiting for the job to say what it left');
    const job = JSON.parse(stdout) as { state: string };
    expect(job.state).toBe('cancelled');
    expect(existsSync(target)).toBe(false);
    expect(statSync(source).size).toBe(512 * 1024 * 1024);
  }, 120_000);
  it('serve, stopped by a kill mid-job, cancels its jobs first: the job says what the cancel left, and serve exits 0', async () => {
    // A folder of its own, watched by the window's core as a user adds one.
    const folder = join(dir, 'served');
    mkdirSync(folder);
    const source = join(folder, 'served.img');
    const target = join(folder, 'served.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', source, '512M']);
    execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5a 0 512M', source], { stdio: 'ignore' });
    const serve = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    serve.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => serve.once('close', resolve));
    const url = new URL(await new Promise<string>((resolve) => serve.stdout.on('data', (chunk: Buffer) => /serving at (\S+)/.exec(String(chunk)) && resolve(/serving at (\S+)/.exec(String(chunk))![1]!))));
    const token = new URLSearchParams(url.hash.slice(1)).get('token');
    const socket = new WebSocket(`ws://${url.host}/api`, ['snaptree', `snaptree.token.${token}`], { headers: { origin: url.origin } });
    await new Promise((resolve) => socket.once('open', resolve));
    let nextId = 1;
    const ask = <T,>(name: string, arg: object): Promise<T> =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const onMessage = (data: Buffer): void => {
          const frame = JSON.parse(String(data)) as { type: string; id?: number; reply?: { result: T } };
          if (frame.type !== 'reply' || frame.id !== id) return;
          socket.off('message', onMessage);
          if ('result' in frame.reply!) resolve(frame.reply.result);
          else reject(new Error(`${name}: ${JSON.stringify(frame.reply)}`));
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, name, arg }));
      });
    await ask('foldersAdd', { path: folder });
    const intent = { kind: 'convert', image: source, path: target };
    let plan = await ask<{ id: string }>('planMake', { intent });
    for (;;) {
      const started = await ask<{ started: boolean; plan: { id: string } }>('jobStart', { intent, plan: plan.id });
      if (started.started) break;
      plan = started.plan;
    }
    await waitFor(() => existsSync(target));
    serve.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toContain('stopping: cancelling the jobs it runs');
    const [job] = JSON.parse((await run(['jobs', '--json'])).stdout) as Array<{ state: string; plan: { intent: { image: string } }; left: Array<{ message: string }> }>;
    expect(job).toMatchObject({ state: 'cancelled', plan: { intent: { image: source } } });
    expect(job!.left.map((left) => left.message).join('\n')).toContain(`The half-made file ${target} was moved to the trash`);
    expect(existsSync(target)).toBe(false);
    expect(statSync(source).size).toBe(512 * 1024 * 1024);
  }, 120_000);
  it('after a kill -9 mid-step, jobs lists the job first as interrupted: the step that ran, each file read again, how to undo', async () => {
    const { source, target } = await convertStopped('killed', '1G', [], { detached: true, output: false }, (child) => process.kill(-child.pid!, 'SIGKILL'));

    const [first] = JSON.parse((await run(['jobs', '--json'])).stdout) as Array<{ id: string; state: string; plan: { intent: { image: string } }; files: Array<{ path: string; state: string }>; recovery: { message: string } | null }>;
    expect(first).toMatchObject({ state: 'interrupted', plan: { intent: { image: source } } });
    expect(first!.files).toContainEqual(expect.objectContaining({ path: source, state: 'ok' }));
    expect(first!.recovery?.message).toContain(target);
    const text = (await run(['jobs'])).stdout;
    expect(text.startsWith(`${first!.id}  interrupted  `)).toBe(true);
    expect(text).toContain(`  ok: ${source}\n`);
    expect(text).toContain('  to finish or undo: ');
  }, 120_000);
});

describe('snaptree run on a running domain', () => {
  let domains: TestDomains;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    domains = testDomains();
    env = { ...process.env, XDG_STATE_HOME: join(domains.dir, 'state'), XDG_DATA_HOME: join(domains.dir, 'data'), XDG_CONFIG_HOME: join(domains.dir, 'config') };
  });
  afterAll(() => domains?.remove());

  it('takes a disk-only snapshot of a running TCG domain: libvirt lists it, the overlay exists, the guest sees the same bytes', async () => {
    const guest = domains.define('cli-snap', { start: true });
    const before = join(domains.dir, 'before.raw');
    execFileSync('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'raw', guest.disk, before]);
    const overlay = join(domains.dir, 'cli-snap s1 名.qcow2');
    const { code, stderr } = await snaptree(['run', 'snapshot', guest.name, 's1', '--disk-only', '--file', `vda=${overlay}`, '--connect', URI, '--yes'], { env });
    expect(code, stderr).toBe(0);
    expect(virsh('snapshot-list', '--domain', guest.name, '--name').split('\n')).toContain('s1');
    expect(existsSync(overlay)).toBe(true);
    expect(virsh('dumpxml', '--domain', guest.name)).toContain(`<source file='${overlay}'`);
    execFileSync('qemu-img', ['compare', '-U', '-f', 'raw', '-F', 'qcow2', before, overlay]);
  }, 120_000);

  it('converts a shut-off domain disk: the domain reads the new qcow2, the old file goes to the trash, and emptying the trash deletes it', async () => {
    const guest = domains.define('cli-convert');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x3c 1M 1M', guest.disk], { stdio: 'ignore' });
    const converted = join(domains.dir, 'cli-convert.new.qcow2');
    const { code, stdout, stderr } = await snaptree(['run', 'convert', guest.disk, converted, '--connect', URI, '--yes', '--json'], { env });
    expect(code, stderr).toBe(0);
    const job = JSON.parse(stdout) as { id: string };
    expect(virsh('dumpxml', '--inactive', '--domain', guest.name)).toContain(`<source file='${converted}'/>`);
    expect(existsSync(guest.disk)).toBe(false);
    const [entry] = JSON.parse((await snaptree(['trash', '--json'], { env })).stdout) as Array<{ job: string; path: string; trashed: string }>;
    expect(entry).toMatchObject({ job: job.id, path: guest.disk });
    execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', entry!.trashed, converted]);

    const plan = await snaptree(['trash', 'empty', '--yes'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: /);
    expect(existsSync(entry!.trashed)).toBe(false);
    expect((await snaptree(['trash'], { env })).stdout).toBe('The trash is empty.\n');
    execFileSync('qemu-img', ['info', converted], { stdio: 'ignore' });
  }, 60_000);

  it('defines a linked clone on a new overlay and leaves the source domain as it was', async () => {
    const source = domains.define('cli-src');
    // A clone builds on a layer that no longer changes: the source writes into an overlay above it.
    virsh('snapshot-create-as', '--domain', source.name, '--name', 'base', '--disk-only', '--diskspec', `vda,snapshot=external,file=${join(domains.dir, 'cli-src.top.qcow2')}`);
    const xml = virsh('dumpxml', '--inactive', '--domain', source.name);
    const overlay = join(domains.dir, 'cli-clone.qcow2');
    const name = `${domains.prefix}-cli-clone`;
    const { code, stderr } = await snaptree(['run', 'overlay', source.disk, overlay, '--clone', name, '--connect', URI, '--yes'], { env });
    expect(code, stderr).toBe(0);
    const clone = virsh('dumpxml', '--inactive', '--domain', name);
    expect(clone).toContain(`<source file='${overlay}'/>`);
    expect(clone).not.toContain(/<uuid>([^<]+)/.exec(xml)![1]);
    expect(virsh('dumpxml', '--inactive', '--domain', source.name)).toBe(xml);
  }, 60_000);

  it('reverts a shut-off domain to an external snapshot on a new overlay and clones from it: both read the snapshot\'s bytes, the old branch as it was', async () => {
    const guest = domains.define('cli-rev');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5d 0 1M', guest.disk], { stdio: 'ignore' });
    const top = join(domains.dir, 'cli-rev.e1.qcow2');
    virsh('snapshot-create-as', '--domain', guest.name, '--name', 'e1', '--disk-only', '--diskspec', `vda,snapshot=external,file=${top}`);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5e 0 1M', top], { stdio: 'ignore' });
    const raw = (path: string, name: string) => {
      execFileSync('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'raw', '--', path, join(domains.dir, name)]);
      return join(domains.dir, name);
    };
    const [base, old] = [raw(guest.disk, 'rev-base.raw'), raw(top, 'rev-old.raw')];

    const plan = await snaptree(['plan', 'revert', guest.name, 'e1', '--connect', URI], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/\$ \S*qemu-img create -f qcow2 -b cli-rev\.qcow2 -F qcow2 -- \S*\/cli-rev\.e1-r1\.qcow2\n/);
    expect(plan.stdout).toContain(`snapshot-current --domain ${guest.name} --snapshotname e1`);
    const fresh = join(domains.dir, 'cli-rev.e1-r1.qcow2');
    expect(existsSync(fresh)).toBe(false);
    const { code, stderr } = await snaptree(['run', 'revert', guest.name, 'e1', '--connect', URI, '--yes'], { env });
    expect(code, stderr).toBe(0);
    expect(virsh('dumpxml', '--inactive', '--domain', guest.name)).toContain(`<source file='${fresh}'/>`);
    expect(virsh('snapshot-current', '--domain', guest.name, '--name').trim()).toBe('e1');
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', base, fresh]);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', old, top]);

    const name = `${domains.prefix}-cli-rev-clone`;
    const cloned = await snaptree(['run', 'clone', guest.name, 'e1', name, '--connect', URI, '--yes'], { env });
    expect(cloned.code, cloned.stderr).toBe(0);
    const overlay = join(domains.dir, `cli-rev.${name}.qcow2`);
    expect(virsh('dumpxml', '--inactive', '--domain', name)).toContain(`<source file='${overlay}'/>`);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', base, overlay]);
  }, 120_000);
  it("deletes an external snapshot of a running domain: the plan shows the block commit and the tree before and after; the guest reads the same, its overlay in the trash", async () => {
    const guest = domains.define('cli-delete');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 1M 1M', guest.disk], { stdio: 'ignore' });
    virsh('start', guest.name);
    const overlay = join(domains.dir, 'cli-delete s1 名.qcow2');
    virsh('snapshot-create-as', '--domain', guest.name, '--name', 's1', '--disk-only', '--diskspec', `vda,snapshot=external,file=${overlay}`);
    const before = join(domains.dir, 'cli-delete.raw');
    execFileSync('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'raw', overlay, before]);

    const refused = await snaptree(['plan', 'delete', guest.name, 'nope', '--connect', URI], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`Blocked: ${guest.name} has no snapshot nope.`);
    const shown = await snaptree(['plan', 'delete', guest.name, 's1', '--connect', URI], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`blockcommit --domain ${guest.name} --path vda --active --pivot --base ${guest.disk} --wait --verbose`);
    expect(shown.stdout).toContain(`Snapshots of ${guest.name} before:\n  s1  <- NOW\nafter:\n  (none)\n`);

    const { code, stderr } = await snaptree(['run', 'delete', guest.name, 's1', '--connect', URI, '--yes'], { env });
    expect(code, stderr).toBe(0);
    expect(virsh('snapshot-list', '--domain', guest.name, '--name').trim()).toBe('');
    expect(virsh('domblklist', '--domain', guest.name)).toContain(guest.disk);
    expect(existsSync(overlay)).toBe(false);
    execFileSync('qemu-img', ['compare', '-U', '-f', 'raw', '-F', 'qcow2', before, guest.disk]);
  }, 60_000);

  it("deletes an image's internal snapshot: of two with that name, the first, as the plan says", async () => {
    const image = join(domains.dir, 'cli-lone.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '16M']);
    for (const name of ['twice', 'twice']) execFileSync('qemu-img', ['snapshot', '-c', name, image]);
    const { code, stdout, stderr } = await snaptree(['run', 'delete', './cli-lone.qcow2', 'twice', '--yes'], { env, cwd: domains.dir });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('the one with ID 1 (taken');
    const left = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', image], { encoding: 'utf8' })) as { snapshots: { id: string; name: string }[] };
    expect(left.snapshots.map((snapshot) => [snapshot.id, snapshot.name])).toEqual([['2', 'twice']]);
  }, 60_000);
});
