/**
 * A libvirt daemon that stops in the middle of a job: `snaptree run convert` of a shut-off
 * domain's disk, the daemon stopped while qemu-img copies, so the step that switches the
 * disk finds no daemon; and a system checkpoint of a running domain, the daemon stopped
 * while it saves the memory. The daemon is a private one: the session daemon of the user
 * `nobody` (as root, through runuser), with its sockets in a temporary folder, never the
 * system daemon that other tests share. The CLI is told not to start that daemon again
 * (LIBVIRT_AUTOSTART=0), as a stopped system daemon is not started again by a client.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/snaptree.js', import.meta.url));
const URI = 'qemu:///session';
const USER = 'nobody';
const GiB = 1024 ** 3;

/** Why the test cannot run here, or null: it needs root, runuser, the user nobody and libvirtd. */
function cannotRun(): string | null {
  if (process.getuid?.() !== 0) return 'runs as root only (it runs the CLI as the user nobody)';
  if (spawnSync('runuser', ['--version']).error) return 'runuser is missing';
  if (spawnSync('id', ['-u', USER]).status !== 0) return `there is no user ${USER}`;
  if (spawnSync('libvirtd', ['--version']).error) return 'libvirtd is missing';
  return null;
}

let skip: string | null;
let dir: string;
let env: Record<string, string>;
let uid: number;

/** `command args...` as the user nobody, in its own session (home, runtime and state folders in `dir`). */
const asNobody = (command: string, args: string[], more: Record<string, string> = {}): [string, string[]] => [
  'runuser',
  ['-u', USER, '--', 'env', ...Object.entries({ ...env, ...more }).map(([name, value]) => `${name}=${value}`), command, ...args],
];
const virsh = (...args: string[]): string => {
  const [command, argv] = asNobody('virsh', ['-c', URI, ...args]);
  return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
};
const snaptree = (...args: string[]) => {
  const [command, argv] = asNobody(process.execPath, [bin, ...args]);
  return spawnSync(command, argv, { encoding: 'utf8' });
};

/** The pid of one of nobody's session daemons for this folder (libvirtd, virtlogd), from its pid file, or null when none runs. */
function daemonPid(daemon = 'libvirtd'): number | null {
  const file = join(dir, 'run', 'libvirt', `${daemon}.pid`);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!alive(pid)) return null;
  const owner = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  // A pid file left by a daemon that died, its pid since taken by another process: not ours to stop.
  return owner === String(uid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(daemon) ? pid : null;
}
/** A process that has exited is no longer alive, though it stays a zombie until its parent reaps it (a container's pid 1 may never). */
const alive = (pid: number): boolean => {
  const status = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  return status !== '' && !/^State:\s+Z/m.test(status);
};

beforeAll(() => {
  skip = cannotRun();
  if (skip !== null) return;
  uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  dir = mkdtempSync(join(tmpdir(), 'snaptree-daemon-stop-'));
  for (const folder of ['run', 'config', 'cache', 'state', 'data']) mkdirSync(join(dir, folder), { mode: 0o700 });
  env = {
    HOME: dir,
    XDG_RUNTIME_DIR: join(dir, 'run'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_DATA_HOME: join(dir, 'data'),
    LC_ALL: 'C',
  };
  // Built as root first: nobody may not write the build's output folder.
  execFileSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
});
afterAll(() => {
  if (skip !== null || dir === undefined) return;
  for (const name of DOMAINS) {
    for (const args of [['destroy', '--domain', name], ['undefine', '--domain', name, '--snapshots-metadata']]) {
      try {
        virsh(...args);
      } catch {
        // not running, never defined, or the daemon would not start again
      }
    }
  }
  for (const daemon of ['libvirtd', 'virtlogd']) {
    const pid = daemonPid(daemon);
    if (pid !== null) process.kill(pid, 'SIGTERM');
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The domains the tests define, each in nobody's session only. */
const DOMAINS = ['snaptree-daemon-stop', 'snaptree-daemon-stop-running'];

/** Defines a TCG domain with no OS on a disk in the folder, owned by nobody as all of it is. */
function defineDomain(name: string, disk: string, memoryMiB: number): void {
  const xml = join(dir, `${name}.xml`);
  writeFileSync(
    xml,
    `<domain type='qemu'><name>${name}</name><memory unit='MiB'>${memoryMiB}</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices>
    </domain>`,
  );
  execFileSync('chown', ['-R', String(uid), '--', dir]);
  virsh('define', xml);
}

/**
 * Runs `snaptree ARGS --connect URI --yes --json` as nobody, the daemon told not to start
 * again, and stops the daemon (SIGTERM, as `systemctl stop` does) once \`stopAt\` exists: the
 * job's record, and when the daemon was seen gone.
 */
async function runAndStop(args: string[], stopAt: string) {
  const daemon = daemonPid();
  expect(daemon, 'the session daemon virsh started').not.toBeNull();
  const [command, argv] = asNobody(process.execPath, [bin, 'run', ...args, '--connect', URI, '--yes', '--json'], { LIBVIRT_AUTOSTART: '0' });
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stopping = false;
  let stoppedAt = 0;
  const stop = setInterval(() => {
    if (!stopping && existsSync(stopAt)) {
      process.kill(daemon!, 'SIGTERM');
      stopping = true;
    }
    if (stopping && !alive(daemon!)) {
      stoppedAt = Date.now();
      clearInterval(stop);
    }
  }, 5);
  const code = await new Promise((resolve) => child.once('close', resolve));
  expect(stopping, 'the daemon was stopped while the job ran').toBe(true);
  // A daemon shutting down may finish what it began first: the next virsh starts a new one only once it is gone.
  await new Promise<void>((resolve) => {
    if (stoppedAt > 0) return resolve();
    const gone = setInterval(() => {
      if (stoppedAt === 0) return;
      clearInterval(gone);
      resolve();
    }, 5);
  });
  expect(code, stderr).toBe(1);
  const job = JSON.parse(stdout) as {
    id: string;
    state: string;
    steps: Array<{ outcome: string; endedAt: string | null; error: { message: string } | null }>;
    left: Array<{ key: string; values: Record<string, unknown>; message: string }>;
  };
  return { job, stoppedAt };
}

describe('a libvirt daemon that stops mid-job', () => {
  it("fails the convert at the disk switch with virsh's words; the domain keeps its old disk, whole and out of the trash", async (context) => {
    if (skip !== null) context.skip(skip);
    const disk = join(dir, 'disk.qcow2');
    const converted = join(dir, 'disk.new.qcow2');
    const copy = join(dir, 'disk.before.qcow2');
    // Enough data that qemu-img copies for a second or more, time to stop the daemon.
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '1G']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x5a 0 ${GiB}`, disk], { stdio: 'ignore' });
    copyFileSync(disk, copy);
    defineDomain('snaptree-daemon-stop', disk, 64);
    const before = virsh('dumpxml', '--inactive', '--domain', 'snaptree-daemon-stop');

    // Once qemu-img has begun writing the new file, the daemon is stopped.
    const { job, stoppedAt } = await runAndStop(['convert', disk, converted], converted);
    expect(job.state).toBe('failed');
    // The daemon was gone before the copy ended: the switch, not the copy, met its absence.
    expect(Date.parse(job.steps[0]!.endedAt!)).toBeGreaterThan(stoppedAt);
    expect(job.steps.map((step) => step.outcome)).toEqual(['done', 'failed', 'skipped']);
    expect(job.steps[1]!.error?.message).toMatch(/virsh failed .*failed to connect to the hypervisor/s);
    expect(job.left.map((said) => said.key)).toEqual(['jobs.left.failedAt', 'jobs.left.defineFailed', 'jobs.left.madeUnused', 'jobs.left.notRun']);
    expect(job.left[2]!.message).toContain(`${converted} was made whole for snaptree-daemon-stop and is kept where it is`);

    // Planned again while the daemon is still stopped, the convert cannot see the domain, and says so.
    const [planCommand, planArgv] = asNobody(process.execPath, [bin, 'plan', 'convert', disk, join(dir, 'again.qcow2'), '--connect', URI], { LIBVIRT_AUTOSTART: '0' });
    const planned = spawnSync(planCommand, planArgv, { encoding: 'utf8' });
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`libvirt at ${URI} does not answer: a domain there whose disk is ${disk} is not known to this plan`);
    expect(planned.stdout).not.toContain('Switch the disk');

    // The next virsh starts the daemon again: the domain still reads its old disk.
    expect(virsh('dumpxml', '--inactive', '--domain', 'snaptree-daemon-stop')).toBe(before);
    execFileSync('cmp', ['--', copy, disk]);
    execFileSync('qemu-img', ['check', '-q', disk]);
    // The copy was whole before the switch failed: kept beside it, opening, with the guest's bytes.
    execFileSync('qemu-img', ['compare', '-q', '-f', 'qcow2', '-F', 'qcow2', disk, converted]);

    const trash = snaptree('trash', '--json');
    expect(trash.status, trash.stderr).toBe(0);
    expect(JSON.parse(trash.stdout)).toEqual([]);
    const jobs = snaptree('jobs', '--json');
    expect(jobs.status, jobs.stderr).toBe(0);
    const [listed] = JSON.parse(jobs.stdout) as Array<typeof job>;
    expect(listed).toMatchObject({ id: job.id, state: 'failed', left: job.left });
  }, 60_000);

  it('while it saves a running domain\'s memory into a system checkpoint: the record says the snapshot may have been taken after all, naming every file libvirt was making', async (context) => {
    if (skip !== null) context.skip(skip);
    const name = 'snaptree-daemon-stop-running';
    const disk = join(dir, 'running.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
    defineDomain(name, disk, 256);
    virsh('start', name);
    const overlay = join(dir, 'running.s1.qcow2');
    // The default memory file: beside the disk, named for the domain and the snapshot.
    const memory = join(dir, `${name}.s1.mem`);

    // Once libvirt has begun writing the memory file, the daemon is stopped.
    const { job } = await runAndStop(['snapshot', name, 's1', '--memory', '--file', `vda=${overlay}`], memory);
    expect(job.state).toBe('failed');
    expect(job.steps[0]!.error?.message).toMatch(/virsh failed .*(Disconnected from|End of file while reading data)/s);
    expect(job.left.map((said) => said.key)).toEqual(['jobs.left.failedAt', 'jobs.left.libvirtLost']);
    expect(job.left[1]!.values).toEqual({ paths: `${overlay}, ${memory}` });

    // libvirt, started again by the next virsh, says what became of it; nothing was lost either way.
    const taken = virsh('snapshot-list', '--domain', name, '--name').split('\n').includes('s1');
    expect(virsh('domblklist', '--domain', name)).toContain(taken ? overlay : disk);
    execFileSync('qemu-img', ['check', '-q', '-U', disk]);
    const trash = snaptree('trash', '--json');
    expect(JSON.parse(trash.stdout)).toEqual([]);
  }, 60_000);
});
