import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectSaidInBoth } from '../said.test-support.js';
import { convertStep, ENDED, MiB, opens, planOf, rawWithData, sameGuestBytes, waitFor, watchedJobs } from './jobs.test-support.js';

let dir: string;
let child: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snaptree-crash-'));
  // The core in a process of its own, bundled as the program is (no TypeScript loader in the child).
  await build({
    configFile: false,
    logLevel: 'warn',
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    build: { ssr: fileURLToPath(new URL('crash-child.test-support.ts', import.meta.url)), outDir: join(dir, 'child'), emptyOutDir: true, minify: false, rollupOptions: { output: { entryFileNames: 'child.mjs' } } },
    ssr: { noExternal: true },
  });
  child = join(dir, 'child', 'child.mjs');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether a live process (not one that ended, waiting to be reaped) has the path in its command line. */
function runningOn(path: string): boolean {
  return readdirSync('/proc').some((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
      return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(path);
    } catch {
      return false;
    }
  });
}

/** The id of the job the child started, once it is under way (or, `checking`, once its plan is being checked). */
function underWay(program: ChildProcessByStdio<null, Readable, null>, said = 'under way'): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    program.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const id = new RegExp(`${said} (\\S+)`).exec(chunk)?.[1];
      if (id) resolve(id);
    });
    program.once('exit', (code) => reject(new Error(`the child ended first (${code})`)));
  });
}

/**
 * A folder of the test's own with a raw image of 32 MiB of data, and the plan of its convert
 * slowed to 4 MiB/s (in a file, for the child): a step long enough to be caught mid-way.
 */
async function slowConvert({ lockSource = false } = {}): Promise<{ journalDir: string; source: string; target: string; planFile: string }> {
  const work = await mkdtemp(join(dir, 'work-'));
  const [journalDir, source, target, planFile] = [join(work, 'state'), join(work, 'disk.raw'), join(work, 'disk.qcow2'), join(work, 'plan.json')];
  rawWithData(source, 32 * MiB);
  writeFileSync(planFile, JSON.stringify(planOf([convertStep(source, target, { rate: '4M' })], lockSource ? { lockFiles: [source] } : {})));
  return { journalDir, source, target, planFile };
}

describe('another Snaptree process', () => {
  it('killed with -9 mid-step leaves a record that the next start shows interrupted: the step that ran, each file read again, and how to undo; its lock is taken over', async () => {
    const { journalDir, source, target, planFile } = await slowConvert({ lockSource: true });
    const work = dirname(source);
    // A group of its own, so that the kill takes qemu-img with it, as a crash of the machine's session would.
    const program = spawn(process.execPath, [child, journalDir, planFile], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const killedJob = await underWay(program);

    // Another process (this one) wants the same file: it waits for the child's job.
    const watched = watchedJobs(journalDir);
    const second = await watched.jobs.start(planOf([convertStep(source, join(work, 'second.qcow2'))], { lockFiles: [source] }));
    expect(second.state).toBe('waiting');
    expect(second.waitingFor?.values).toEqual({ job: killedJob, what: source });

    expect(runningOn(target)).toBe(true);
    const exited = new Promise((resolve) => program.once('exit', resolve));
    process.kill(-program.pid!, 'SIGKILL');
    await exited;
    // Its qemu-img (a process group of its own) was interrupted with it, as a cancel would: nothing writes on.
    await waitFor(() => !runningOn(target), 5_000);

    // The dead process's lock is stale: the waiting job takes it over and runs.
    expect((await watched.until(second.id, ENDED)).state).toBe('done');
    expect(sameGuestBytes(source, join(work, 'second.qcow2'))).toBe(true);

    const interrupted = (await watched.jobs.list()).find((job) => job.id === killedJob)!;
    expect(interrupted.state).toBe('interrupted');
    expect((await watched.jobs.list())[0]!.id).toBe(killedJob);
    expect(interrupted.steps[0]!.outcome).toBe('running');
    expect(interrupted.left.map((said) => said.message)).toEqual(['The program stopped (a crash or a kill) during step 1 of 1.']);
    expect(interrupted.files).toEqual([
      { path: target, state: 'ok', problem: null },
      { path: source, state: 'ok', problem: null },
    ]);
    expect(interrupted.recovery?.message).toBe(`To undo step 1: move ${target}, which it was making, to the trash; then plan the change again to finish it.`);
    expectSaidInBoth([...interrupted.left, interrupted.recovery!]);
    // Nothing was lost: the source is whole, the half-made file still opens.
    expect(opens(source)).toBe(true);
    expect(opens(target)).toBe(true);
  }, 30_000);

  it('killed with -9 while its plan is checked, its record already saying the first step starts: shown interrupted, the file it would make not made, the source whole', async () => {
    const { journalDir, source, target, planFile } = await slowConvert({ lockSource: true });
    const program = spawn(process.execPath, [child, journalDir, planFile, 'checking'], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const id = await underWay(program, 'checking');
    const exited = new Promise((resolve) => program.once('exit', resolve));
    process.kill(-program.pid!, 'SIGKILL');
    await exited;

    const watched = watchedJobs(journalDir);
    const interrupted = (await watched.jobs.list()).find((job) => job.id === id)!;
    expect(interrupted.state).toBe('interrupted');
    // Said as a crash during the step: the record cannot tell a check from the step's first moment.
    expect(interrupted.left.map((said) => said.key)).toEqual(['jobs.interrupted.running']);
    expect(interrupted.files).toEqual([
      { path: target, state: 'missing', problem: null },
      { path: source, state: 'ok', problem: null },
    ]);
    expect(interrupted.recovery?.message).toBe('Steps 1 to 1 did not run: plan the change again to finish it.');
    expect(existsSync(target)).toBe(false);
    expect(opens(source)).toBe(true);
    // Its locks were a dead process's: the same change runs now.
    const again = await watched.jobs.start(planOf([convertStep(source, target)], { lockFiles: [source] }));
    expect((await watched.until(again.id, ENDED)).state).toBe('done');
    expect(sameGuestBytes(source, target)).toBe(true);
  }, 30_000);

  it("killed with -9 mid-step shows interrupted in a window that follows the journal, without a reload: a kill writes no record", async () => {
    const { journalDir, planFile } = await slowConvert();
    // One window open before the job started (it hears of it from the journal), one opened while it runs (it lists the jobs).
    const before = watchedJobs(journalDir, undefined, { followOthers: true });
    const program = spawn(process.execPath, [child, journalDir, planFile], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const id = await underWay(program);
    await before.until(id, ['running']);
    const after = watchedJobs(journalDir, undefined, { followOthers: true });
    expect((await after.jobs.list()).find((job) => job.id === id)?.state).toBe('running');

    const exited = new Promise((resolve) => program.once('exit', resolve));
    process.kill(-program.pid!, 'SIGKILL');
    await exited;

    for (const window of [before, after]) {
      const told = await window.until(id, ['interrupted']);
      expect(told.left.map((said) => said.key)).toEqual(['jobs.interrupted.running']);
      // What it had half made is read again.
      expect(window.worldChanges.length).toBeGreaterThan(0);
      window.jobs.close();
    }
  }, 30_000);

  it("cancels a job that another process runs (the window cancelling the CLI's job)", async () => {
    const { journalDir, target, planFile } = await slowConvert();
    const program = spawn(process.execPath, [child, journalDir, planFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => program.once('exit', resolve));
    const id = await underWay(program);

    const cancelled = await watchedJobs(journalDir).jobs.cancel(id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.left.map((said) => said.key)).toEqual(['jobs.left.cancelledAt', 'jobs.left.partialTrashed']);
    expect(existsSync(target)).toBe(false);
    // Its job ended, the other process has nothing left to do.
    await exited;
    expect(await readdir(journalDir)).not.toContain(`${id}.cancel`);
  }, 30_000);

  it('a journal file that cannot be read is said and kept, and the others are listed', async () => {
    const work = await mkdtemp(join(dir, 'work-'));
    const journalDir = join(work, 'state');
    const watched = watchedJobs(journalDir);
    const source = join(work, 'disk.raw');
    rawWithData(source, MiB);
    const job = await watched.jobs.start(planOf([convertStep(source, join(work, 'disk.qcow2'))]));
    await watched.until(job.id, ENDED);
    writeFileSync(join(journalDir, 'broken.json'), '{"id": "broken", "state": ');
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await watched.jobs.list()).map((listed) => listed.id)).toEqual([job.id]);
      expect(said).toHaveBeenCalledWith(expect.stringMatching(/^snaptree: The job record .*broken\.json could not be read and is kept as it is: /));
    } finally {
      said.mockRestore();
    }
    expect(existsSync(join(journalDir, 'broken.json'))).toBe(true);
    expect(new Set(await readdir(journalDir))).toEqual(new Set(['broken.json', `${job.id}.json`, 'locks']));
  });
});
