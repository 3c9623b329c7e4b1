import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectSaidInBoth } from '../said.test-support.js';
import { Refusal } from '../refusal.js';
import { CHECK_RAN_EXIT_CODES, checkArgv } from '../../../shared/qemu-img/check.js';
import { convertStep, ENDED, MiB, QEMU_IMG, opens, planOf, rawWithData, sameGuestBytes, waitFor, watchedJobs } from './jobs.test-support.js';
import { trashPathOf } from './trash.js';
import { PlanChanged } from './jobs.js';
import type { Plan } from '../../../shared/plans/plan.js';
import { LocalHost } from '../host/local.js';

let dir: string;
let journalDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snaptree-jobs-'));
  journalDir = join(dir, 'state', 'jobs');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a convert job, run for real', () => {
  it('reports progress between 0 and 1 at least twice a second, the first at once, and ends done with the same guest bytes', async () => {
    const source = join(dir, 'disk.raw');
    const target = join(dir, 'disk.qcow2');
    rawWithData(source, 72 * MiB);
    const watched = watchedJobs(journalDir);
    const started = Date.now();
    // Slowed to about 1.5 s, so that the ticks can be counted.
    const job = await watched.jobs.start(planOf([convertStep(source, target, { rate: '48M' })], { bytes: 72 * MiB }));
    const done = await watched.until(job.id, ENDED);

    expect(done.state).toBe('done');
    expect(done.steps[0]).toMatchObject({ outcome: 'done', exitCode: 0, error: null });
    expect(done.progress?.fraction).toBe(1);
    expect(sameGuestBytes(source, target)).toBe(true);
    const events = watched.events.filter((event) => event.job.id === job.id);
    const running = events.filter((event) => event.job.state === 'running');
    expect(running[0]!.at - started).toBeLessThan(500);
    expect(running[0]!.job.progress?.fraction).toBe(0);
    const fractions = running.map((event) => event.job.progress?.fraction ?? 0);
    expect(fractions.some((fraction) => fraction > 0 && fraction < 1)).toBe(true);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    const midway = running.find((event) => (event.job.progress?.fraction ?? 0) > 0.2)!.job.progress!;
    expect(midway.bytesPerSecond).toBeGreaterThan(0);
    expect(midway.secondsLeft).toBeGreaterThan(0);
    // No gap of a second between two updates while the step ran.
    const gaps = running.slice(1).map((event, index) => event.at - running[index]!.at);
    expect(Math.max(...gaps)).toBeLessThan(500);
    expect(watched.worldChanges).toHaveLength(1);
    // The journal has the same record, the last output line among it.
    const [listed] = await watched.jobs.list();
    expect(listed).toMatchObject({ id: job.id, state: 'done' });
    expect(listed!.steps[0]!.outputTail.at(-1)).toMatch(/100/);
  });

  it('cancelled mid-convert: SIGINT stops qemu-img, the source is unchanged, the half-made target is in the trash and the record says so', async () => {
    const source = join(dir, 'disk.raw');
    const target = join(dir, 'new disk.qcow2');
    rawWithData(source, 64 * MiB);
    const before = readFileSync(source);
    const watched = watchedJobs(journalDir);
    const job = await watched.jobs.start(planOf([convertStep(source, target, { rate: '8M' }), convertStep(source, join(dir, 'never.qcow2'))]));
    await waitFor(() => (watched.events.findLast((event) => event.job.id === job.id)?.job.progress?.fraction ?? 0) > 0.02);
    const cancelled = await watched.jobs.cancel(job.id);

    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.steps.map((step) => step.outcome)).toEqual(['cancelled', 'skipped']);
    expect(readFileSync(source).equals(before)).toBe(true);
    expect(existsSync(target)).toBe(false);
    const trashed = trashPathOf(target, job.id);
    expect(opens(trashed)).toBe(true);
    expect(existsSync(join(dir, 'never.qcow2'))).toBe(false);
    expect(cancelled.left.map((said) => said.message)).toEqual([
      'Cancelled during step 1 of 2; the steps before it are done.',
      `The half-made file ${target} was moved to the trash (${trashed}).`,
      'Step 2 of 2 was not run.',
    ]);
    expectSaidInBoth(cancelled.left);
    expect(await watched.jobs.trash()).toEqual([expect.objectContaining({ job: job.id, path: target, trashed })]);
    expect(watched.trashChanges.length).toBeGreaterThan(0);
  }, 20_000);

  it('refuses to start a step whose new file exists, and leaves that file as it was', async () => {
    const source = join(dir, 'disk.raw');
    const target = join(dir, 'taken.qcow2');
    rawWithData(source, MiB);
    writeFileSync(target, 'somebody else’s file');
    const watched = watchedJobs(journalDir);
    const job = await watched.jobs.start(planOf([convertStep(source, target)]));
    const failed = await watched.until(job.id, ENDED);

    expect(failed.state).toBe('failed');
    expect(failed.steps[0]).toMatchObject({ outcome: 'failed', exitCode: null, outputTail: [] });
    expect(failed.steps[0]!.error?.message).toBe(`Not run: ${target} already exists, and a job never writes over a file.`);
    expect(readFileSync(target, 'utf8')).toBe('somebody else’s file');
    expect(await watched.jobs.trash()).toEqual([]);
    expectSaidInBoth([failed.steps[0]!.error!, ...failed.left]);
  });

  it('a failed step that libvirt was making a file in leaves that file where it is, and says why: the domain may already write into it', async () => {
    const made = join(dir, 'overlay.qcow2');
    const watched = watchedJobs(journalDir);
    // virsh makes the file, then fails (test driver): as a snapshot whose daemon stopped after QEMU switched to its overlay.
    const argv: [string, ...string[]] = ['/usr/bin/virsh', '-c', 'test:///default', `save test ${made}; domstate snaptree-no-such-domain`];
    const job = await watched.jobs.start(planOf([{ op: 'run', says: { key: 't', values: {}, message: 'snapshot' }, changes: [made], argv, creates: [made], progress: 'none', cancel: 'wait' }]));
    const failed = await watched.until(job.id, ENDED);
    expect(failed.state).toBe('failed');
    expect(existsSync(made)).toBe(true);
    expect(failed.left.map((said) => said.key)).toEqual(['jobs.left.failedAt', 'jobs.left.libvirtKept']);
    expect(await watched.jobs.trash()).toEqual([]);
    expectSaidInBoth(failed.left);
  });

  it("makes a new file itself, empty and exclusively, before qemu-img (which truncates it) starts: nothing can be put there in between and emptied", async () => {
    const source = join(dir, 'disk.raw');
    const target = join(dir, 'new.qcow2');
    rawWithData(source, MiB);
    let raced: string | null = null;
    // The real host, and just before the tool starts another program that makes the same file, as careful programs do (O_EXCL).
    const host = new LocalHost();
    const racing = Object.assign(Object.create(host) as LocalHost, {
      stream: (command: Parameters<LocalHost['stream']>[0]) => {
        try {
          writeFileSync(target, 'another program’s data', { flag: 'wx' });
          raced = 'made';
        } catch (error) {
          raced = (error as NodeJS.ErrnoException).code ?? 'error';
        }
        return host.stream(command);
      },
    });
    const watched = watchedJobs(journalDir, racing);
    const job = await watched.jobs.start(planOf([convertStep(source, target)]));
    expect((await watched.until(job.id, ENDED)).state).toBe('done');
    expect(raced).toBe('EEXIST');
    expect(sameGuestBytes(source, target)).toBe(true);
  });

  it('says that a tool is missing, and runs nothing after it', async () => {
    const watched = watchedJobs(journalDir);
    const missing = { ...convertStep(join(dir, 'a.raw'), join(dir, 'b.qcow2')), argv: ['snaptree-no-such-qemu-img', 'info'] as [string, ...string[]] };
    const job = await watched.jobs.start(planOf([missing, convertStep(join(dir, 'a.raw'), join(dir, 'c.qcow2'))]));
    const failed = await watched.until(job.id, ENDED);
    expect(failed.state).toBe('failed');
    expect(failed.steps[0]!.error).toMatchObject({ key: 'tools.command.notFound', values: { program: 'snaptree-no-such-qemu-img' } });
    expect(failed.steps[1]!.outcome).toBe('skipped');
    expect(readdirSync(dir).sort()).toEqual(['state']);
    expectSaidInBoth([failed.steps[0]!.error!, ...failed.left]);
  });

  it('refuses a blocked plan before anything runs', async () => {
    const watched = watchedJobs(journalDir);
    const source = join(dir, 'disk.raw');
    rawWithData(source, MiB);
    const plan = { ...planOf([convertStep(source, join(dir, 'disk.qcow2'))]), blockers: [{ code: 'in-use', key: 'test', values: {}, message: 'in use', alternatives: [] }] };
    const refusal = await watched.jobs.start(plan).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Refusal);
    expect((refusal as Refusal).message).toBe('This plan has blockers, so it never runs: its blockers say what to do instead.');
    expect(existsSync(join(dir, 'disk.qcow2'))).toBe(false);
    expect(await watched.jobs.list()).toEqual([]);
  });

  it('an optional step that fails is noted and the job goes on', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, MiB);
    const watched = watchedJobs(journalDir);
    const failing = { ...convertStep(join(dir, 'absent.raw'), join(dir, 'x.qcow2')), optional: true };
    const job = await watched.jobs.start(planOf([failing, convertStep(source, join(dir, 'disk.qcow2'))]));
    const done = await watched.until(job.id, ENDED);
    expect(done.state).toBe('done');
    expect(done.steps.map((step) => step.outcome)).toEqual(['failed', 'done']);
    expect(done.steps[0]!.error?.message).toMatch(/^\/usr\/bin\/qemu-img failed with exit code 1: .*absent\.raw/);
    expect(done.left.map((said) => said.message)).toEqual(['Step 1 failed; it is optional, so the job went on without it.']);
  });

  it("makes Snaptree's own folder a step writes into (a domain's first screenshot has none yet)", async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, MiB);
    const folder = join(dir, 'data', 'screenshots', 'uuid-web');
    const target = join(folder, 'shot.qcow2');
    const watched = watchedJobs(journalDir);
    const job = await watched.jobs.start(planOf([{ ...convertStep(source, target), makesFolders: [folder] }]));
    expect((await watched.until(job.id, ENDED)).state).toBe('done');
    expect(sameGuestBytes(source, target)).toBe(true);
  });
});

describe('steps that are not copies', () => {
  it("a check keeps its whole output for the inspector, and qemu-img check's findings (exit 2, 3) are not failures", async () => {
    const image = join(dir, 'disk.qcow2');
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', image, '16M']);
    const watched = watchedJobs(journalDir);
    const check = { op: 'run' as const, says: { key: 't', values: {}, message: 'check' }, changes: [], argv: [...checkArgv(QEMU_IMG, image, 'qcow2')] as [string, ...string[]], creates: [], progress: 'none' as const, cancel: 'sigint' as const, okExitCodes: [...CHECK_RAN_EXIT_CODES], keepOutput: true };
    const job = await watched.jobs.start(planOf([check]));
    const done = await watched.until(job.id, ENDED);
    expect(done.state).toBe('done');
    expect(JSON.parse(done.steps[0]!.output!)).toMatchObject({ filename: image, format: 'qcow2', 'check-errors': 0 });
    // A check changes nothing: the forest is not read again for it.
    expect(watched.worldChanges).toEqual([]);
  });

  it('a cancel during a short all-or-nothing step lets it finish and stops before the next', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, MiB);
    const marker = join(dir, 'short step ran');
    const short = { op: 'run' as const, says: { key: 't', values: {}, message: 'short' }, changes: [marker], argv: [process.execPath, '-e', `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(marker)}, ''), 600)`] as [string, ...string[]], creates: [marker], progress: 'none' as const, cancel: 'wait' as const };
    const watched = watchedJobs(journalDir);
    const job = await watched.jobs.start(planOf([short, convertStep(source, join(dir, 'disk.qcow2'))]));
    await waitFor(() => watched.events.findLast((event) => event.job.id === job.id)?.job.steps[0]!.outcome === 'running');
    const cancelled = await watched.jobs.cancel(job.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.steps.map((step) => step.outcome)).toEqual(['done', 'skipped']);
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(join(dir, 'disk.qcow2'))).toBe(false);
    expect(cancelled.left.map((said) => said.message)).toEqual(['Cancelled after step 1 of 2, which had to finish: the steps after it did not run.', 'Step 2 of 2 was not run.']);
    expectSaidInBoth(cancelled.left);
  });
});

describe("another process's jobs", () => {
  it('are told as their records are written: started, and ended, with no refetch', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    // Two programs on one journal: the window, and the CLI that runs the job.
    const window = watchedJobs(journalDir, new LocalHost(), { followOthers: true });
    const cli = watchedJobs(journalDir);
    try {
      const job = await cli.jobs.start(planOf([convertStep(source, join(dir, 'a.qcow2'), { rate: '16M' })]));
      expect((await window.until(job.id, ['running'])).id).toBe(job.id);
      expect((await window.until(job.id, ENDED)).state).toBe('done');
    } finally {
      window.jobs.close();
      cli.jobs.close();
    }
  });
});

describe('locks', () => {
  it('a second job on the same file waits, says for which job, and runs when the first ends', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 16 * MiB);
    const watched = watchedJobs(journalDir);
    const first = await watched.jobs.start(planOf([convertStep(source, join(dir, 'a.qcow2'), { rate: '16M' })], { lockFiles: [source] }));
    const second = await watched.jobs.start(planOf([convertStep(source, join(dir, 'b.qcow2'))], { lockFiles: [source] }));
    expect(first.state).toBe('running');
    expect(second.state).toBe('waiting');
    expect(second.waitingFor?.message).toBe(`Waits for job ${first.id}, which holds ${source}`);
    expectSaidInBoth([second.waitingFor!]);
    const [a, b] = await Promise.all([watched.until(first.id, ENDED), watched.until(second.id, ENDED)]);
    expect([a.state, b.state]).toEqual(['done', 'done']);
    expect(b.startedAt! >= a.endedAt!).toBe(true);
    expect(sameGuestBytes(join(dir, 'a.qcow2'), join(dir, 'b.qcow2'))).toBe(true);
  });

  it('jobs on disjoint files run at once', async () => {
    rawWithData(join(dir, 'one.raw'), 8 * MiB);
    rawWithData(join(dir, 'two.raw'), 8 * MiB);
    const watched = watchedJobs(journalDir);
    const one = await watched.jobs.start(planOf([convertStep(join(dir, 'one.raw'), join(dir, 'one.qcow2'), { rate: '16M' })], { lockFiles: [join(dir, 'one.raw')] }));
    const two = await watched.jobs.start(planOf([convertStep(join(dir, 'two.raw'), join(dir, 'two.qcow2'), { rate: '16M' })], { lockFiles: [join(dir, 'two.raw')] }));
    expect([one.state, two.state]).toEqual(['running', 'running']);
    const [a, b] = await Promise.all([watched.until(one.id, ENDED), watched.until(two.id, ENDED)]);
    expect(a.startedAt! < b.endedAt! && b.startedAt! < a.endedAt!).toBe(true);
  });

  it('a start plans again only once it holds its locks: no job of ours can change those files between the check and the run', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    const watched = watchedJobs(journalDir);
    const plan = planOf([convertStep(source, join(dir, 'a.qcow2'))], { lockFiles: [source] });
    const heldWhileChecked: string[][] = [];
    const job = await watched.jobs.start(plan, async () => {
      heldWhileChecked.push(watched.jobs.heldFiles());
      return plan;
    });
    expect(heldWhileChecked).toEqual([expect.arrayContaining([source, join(dir, 'a.qcow2')])]);
    expect((await watched.until(job.id, ENDED)).state).toBe('done');
    expect(sameGuestBytes(source, join(dir, 'a.qcow2'))).toBe(true);
  });

  it('a start whose plan changed meanwhile runs nothing, records no job and lets its locks go', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    const watched = watchedJobs(journalDir);
    const plan = planOf([convertStep(source, join(dir, 'a.qcow2'))], { lockFiles: [source] });
    const now = { ...plan, id: 'another-plan' };
    await expect(watched.jobs.start(plan, async () => now)).rejects.toEqual(new PlanChanged(now));
    expect(existsSync(join(dir, 'a.qcow2'))).toBe(false);
    expect(await watched.jobs.list()).toEqual([]);
    expect(watched.jobs.heldFiles()).toEqual([]);
    // Nothing is left held: the same files start at once.
    const next = await watched.jobs.start(plan);
    expect(next.state).toBe('running');
    expect((await watched.until(next.id, ENDED)).state).toBe('done');
  });

  it('a program stopping while a start is checked waits for the check, and the job ends cancelled having run nothing: its record does not say it stopped during a step', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    const watched = watchedJobs(journalDir);
    const target = join(dir, 'a.qcow2');
    const plan = planOf([convertStep(source, target)], { lockFiles: [source] });
    let answer: (plan: Plan) => void = () => undefined;
    const checking = new Promise<void>((resolve) => {
      void watched.jobs.start(plan, () => {
        resolve();
        return new Promise<Plan>((resolveCheck) => (answer = resolveCheck));
      });
    });
    await checking;
    let stopped = false;
    const stopping = watched.jobs.cancelAll().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    answer(plan);
    await stopping;
    const [job] = await watched.jobs.list();
    expect(job).toMatchObject({ state: 'cancelled', startedAt: expect.any(String) });
    expect(job!.steps[0]).toMatchObject({ startedAt: null, outcome: 'skipped' });
    expect(job!.left.map((said) => said.message)).toEqual(['Cancelled before it started: nothing ran.', 'Step 1 of 1 was not run.']);
    expect(existsSync(target)).toBe(false);
    expect(watched.jobs.heldFiles()).toEqual([]);
  });

  it("a start refused after its record was written (its plan changed) is said gone to a window that follows the journal and had heard of it", async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    const gone: string[] = [];
    const window = watchedJobs(journalDir, undefined, { followOthers: true, jobGone: (id) => gone.push(id) });
    // The CLI: a process of its own, here another core on the same journal.
    const cli = watchedJobs(journalDir);
    const plan = planOf([convertStep(source, join(dir, 'a.qcow2'))], { lockFiles: [source] });
    const now = { ...plan, id: 'another-plan' };
    let id = '';
    await expect(
      cli.jobs.start(plan, async (job) => {
        id = job;
        await window.until(job, ['running']);
        return now;
      }),
    ).rejects.toEqual(new PlanChanged(now));
    await waitFor(() => gone.length > 0, 5_000);
    expect(gone).toEqual([id]);
    expect(await window.jobs.list()).toEqual([]);
    window.jobs.close();
  });

  it('a start that must wait for another job is checked at once too: a plan that changed already is shown again, not queued', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    const watched = watchedJobs(journalDir);
    const first = await watched.jobs.start(planOf([convertStep(source, join(dir, 'a.qcow2'), { rate: '8M' })], { lockFiles: [source] }));
    const plan = planOf([convertStep(source, join(dir, 'b.qcow2'))], { lockFiles: [source] });
    const now = { ...plan, id: 'another-plan' };
    await expect(watched.jobs.start(plan, async () => now)).rejects.toEqual(new PlanChanged(now));
    expect((await watched.jobs.list()).map((job) => job.id)).toEqual([first.id]);
    await watched.jobs.cancel(first.id);
  });

  it('a waiting job cancels at once, having run nothing', async () => {
    const source = join(dir, 'disk.raw');
    rawWithData(source, 8 * MiB);
    const watched = watchedJobs(journalDir);
    const first = await watched.jobs.start(planOf([convertStep(source, join(dir, 'a.qcow2'), { rate: '4M' })], { lockFiles: [source] }));
    const second = await watched.jobs.start(planOf([convertStep(source, join(dir, 'b.qcow2'))], { lockFiles: [source] }));
    const began = Date.now();
    const cancelled = await watched.jobs.cancel(second.id);
    expect(Date.now() - began).toBeLessThan(500);
    expect(cancelled).toMatchObject({ state: 'cancelled', startedAt: null, waitingFor: null });
    expect(cancelled.left.map((said) => said.message)).toEqual(['Cancelled before it started: nothing ran.']);
    expect(existsSync(join(dir, 'b.qcow2'))).toBe(false);
    await watched.jobs.cancel(first.id);
  });
});

describe('the trash', () => {
  it('a trash step renames the file beside it, restore puts it back, and refuses when something stands there', async () => {
    const file = join(dir, 'old layer.qcow2');
    rawWithData(file, MiB);
    const content = readFileSync(file);
    const watched = watchedJobs(journalDir);
    const job = await watched.jobs.start(planOf([{ op: 'trash', says: { key: 't', values: {}, message: 'trash it' }, changes: [], path: file }], { unused: [file] }));
    expect((await watched.until(job.id, ENDED)).state).toBe('done');
    expect(existsSync(file)).toBe(false);
    const [entry] = await watched.jobs.trash();
    expect(entry).toMatchObject({ job: job.id, path: file, trashed: join(dir, '.snaptree-trash', job.id, 'old layer.qcow2') });
    expect(entry!.bytes).toBe(statSync(entry!.trashed).blocks * 512);

    writeFileSync(file, 'new');
    const refusal = await watched.jobs.restore(job.id).catch((error: unknown) => error);
    expect((refusal as Refusal).message).toBe(`Not restored: something now stands at ${file}. Move it away first; nothing was moved back.`);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expectSaidInBoth([(refusal as Refusal).said!]);

    await rm(file);
    expect(await watched.jobs.restore(job.id)).toHaveLength(1);
    expect(readFileSync(file).equals(content)).toBe(true);
    expect(await watched.jobs.trash()).toEqual([]);
    expect(existsSync(join(dir, '.snaptree-trash'))).toBe(false);
  });

  it('a trash step refuses a .snaptree-trash that is a link (out of the folder, maybe onto another file system): the file stays where it is', async () => {
    const file = join(dir, 'old.qcow2');
    rawWithData(file, MiB);
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(dir, '.snaptree-trash'));
    const watched = watchedJobs(journalDir);
    const job = await watched.jobs.start(planOf([{ op: 'trash', says: { key: 't', values: {}, message: 'trash it' }, changes: [], path: file }], { unused: [file] }));
    const failed = await watched.until(job.id, ENDED);
    expect(failed.steps[0]!.error).toMatchObject({ key: 'jobs.step.trashFailed', values: { path: file, code: 'ENOTDIR' } });
    expect(opens(file)).toBe(true);
    expect(readdirSync(join(dir, 'elsewhere'), { recursive: true }).filter((name) => String(name).endsWith('old.qcow2'))).toEqual([]);
    expectSaidInBoth([failed.steps[0]!.error!]);
  });

  it('a purge never follows a link out of the trash: a job folder, or .snaptree-trash itself, that is a symlink is refused', async () => {
    const keep = join(dir, 'keep');
    await mkdir(join(keep, 'job1'), { recursive: true });
    writeFileSync(join(keep, 'precious'), 'x');
    writeFileSync(join(keep, 'job1', 'precious'), 'x');
    await mkdir(join(dir, 'a', '.snaptree-trash'), { recursive: true });
    await symlink(keep, join(dir, 'a', '.snaptree-trash', 'job1'));
    await mkdir(join(dir, 'b'));
    await symlink(keep, join(dir, 'b', '.snaptree-trash'));
    const purge = (folder: string) => ({ op: 'purge' as const, says: { key: 't', values: {}, message: 'purge' }, changes: [], folder, bytes: 0 });
    const watched = watchedJobs(journalDir);
    for (const folder of [join(dir, 'a', '.snaptree-trash', 'job1'), join(dir, 'b', '.snaptree-trash', 'job1')]) {
      const job = await watched.jobs.start(planOf([purge(folder)]));
      const failed = await watched.until(job.id, ENDED);
      expect(failed.steps[0]!.error?.key, folder).toBe('jobs.step.purgeRefused');
    }
    expect(readFileSync(join(keep, 'precious'), 'utf8')).toBe('x');
    expect(readFileSync(join(keep, 'job1', 'precious'), 'utf8')).toBe('x');
  });

  it('a purge step deletes a job trash folder, and refuses any other folder', async () => {
    const file = join(dir, 'unused.qcow2');
    rawWithData(file, MiB);
    const watched = watchedJobs(journalDir);
    const trashing = await watched.jobs.start(planOf([{ op: 'trash', says: { key: 't', values: {}, message: 'trash it' }, changes: [], path: file }]));
    await watched.until(trashing.id, ENDED);
    const keep = join(dir, 'keep');
    await mkdir(keep);
    writeFileSync(join(keep, 'precious'), 'x');
    const purge = (folder: string) => ({ op: 'purge' as const, says: { key: 't', values: {}, message: 'purge' }, changes: [], folder, bytes: 0 });
    const refused = await watched.jobs.start(planOf([purge(keep)]));
    const failed = await watched.until(refused.id, ENDED);
    expect(failed.steps[0]!.error?.message).toBe(`Refused to delete ${keep}: only a job's folder inside .snaptree-trash is ever deleted.`);
    expect(existsSync(join(keep, 'precious'))).toBe(true);
    expectSaidInBoth([failed.steps[0]!.error!]);

    const emptied = await watched.jobs.start(planOf([purge(join(dir, '.snaptree-trash', trashing.id))]));
    expect((await watched.until(emptied.id, ENDED)).state).toBe('done');
    expect(existsSync(join(dir, '.snaptree-trash'))).toBe(false);
    expect(await watched.jobs.trash()).toEqual([]);
  });
});
