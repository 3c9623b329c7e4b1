import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../../shared/jobs/model.js';
import type { StepInput } from '../../../shared/plans/plan.js';
import { expectSaidInBoth } from '../said.test-support.js';
import { convertStep, planOf, rawWithData, watchedJobs } from './jobs.test-support.js';
import { Journal, type JournalRecord } from './journal.js';
import { trashPathOf } from './trash.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snaptree-recovery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const step = (outcome: StepRecord['outcome']): StepRecord => ({ startedAt: outcome === 'pending' ? null : '2026-01-01T00:00:00.000Z', endedAt: null, outcome, exitCode: null, outputTail: [], error: null, output: null });

/** A record as a process left it when it died: by this process's pid, unknown to the Jobs that reads it. */
async function leftBehind(id: string, state: 'running' | 'waiting', steps: StepRecord[], plan = planOf([convertStep(join(dir, 'a.raw'), join(dir, 'a.qcow2')), convertStep(join(dir, 'b.raw'), join(dir, 'b.qcow2'))]), by: { pid?: number; boot?: string } = {}): Promise<void> {
  const record: JournalRecord = { id, pid: by.pid ?? process.pid, ...(by.boot === undefined ? {} : { boot: by.boot }), plan, state, createdAt: `2026-01-01T00:00:0${steps.length}.000Z`, startedAt: null, endedAt: null, waitingFor: null, steps, progress: null, left: [], files: [], recovery: null };
  await new Journal(join(dir, 'state')).write(record);
}

describe('a job found unfinished in the journal', () => {
  it('between two steps: says after which, and that the rest did not run', async () => {
    await leftBehind('between', 'running', [step('done'), step('pending')]);
    const [job] = await watchedJobs(join(dir, 'state')).jobs.list();
    expect(job!.state).toBe('interrupted');
    expect(job!.left.map((said) => said.message)).toEqual(['The program stopped (a crash or a kill) after step 1 of 2, before the next one started.']);
    expect(job!.recovery?.message).toBe('Steps 2 to 2 did not run: plan the change again to finish it.');
    expectSaidInBoth([...job!.left, job!.recovery!]);
  });

  it('during a trash step: says whether the rename happened, from where the file is now', async () => {
    const moved = join(dir, 'moved.raw');
    const kept = join(dir, 'kept.raw');
    rawWithData(kept, 4096);
    await mkdir(join(dir, '.snaptree-trash', 'moved'), { recursive: true });
    rawWithData(trashPathOf(moved, 'moved'), 4096);
    await mkdir(join(dir, '.snaptree-trash', 'last'), { recursive: true });
    rawWithData(trashPathOf(moved, 'last'), 4096);
    const trash = (path: string): StepInput => ({ op: 'trash', says: { key: 'test.step', values: {}, message: 'trash' }, changes: [path], path });
    await leftBehind('moved', 'running', [step('running'), step('pending')], planOf([trash(moved), trash(kept)], { unused: [moved, kept] }));
    await leftBehind('last', 'running', [step('done'), step('running')], planOf([trash(kept), trash(moved)], { unused: [kept, moved] }));
    await leftBehind('kept', 'running', [step('running')], planOf([trash(kept)], { unused: [kept] }));
    const jobs = await watchedJobs(join(dir, 'state')).jobs.list();
    const recovery = (id: string) => jobs.find((job) => job.id === id)!.recovery!;
    expect(recovery('moved').message).toBe(`Step 1 was done: ${moved} is in the trash. Steps 2 to 2 did not run: plan the change again to finish it.`);
    expect(recovery('last').message).toBe(`Every step was done (step 2 moved ${moved} to the trash): nothing is left to finish.`);
    expect(recovery('kept').message).toBe('Steps 1 to 1 did not run: plan the change again to finish it.');
    expectSaidInBoth(['moved', 'last', 'kept'].map(recovery));
  });

  it('during a step that writes into a file, a define or a purge: says what may be half done, never that it did not run', async () => {
    const image = join(dir, 'in-place.qcow2');
    const says = { key: 'test.step', values: {}, message: 'a step' };
    const domain = { uri: 'qemu:///system', uuid: 'u-1', name: 'web' };
    const steps: StepInput[] = [
      { op: 'run', says, changes: [image], argv: ['/usr/bin/qemu-img', 'snapshot', '-c', 's1', '-f', 'qcow2', '--', image], creates: [], progress: 'none', cancel: 'wait' },
      { op: 'define', says, changes: [], domain, virsh: '/usr/bin/virsh', edit: { kind: 'switch-disk', target: 'vda', path: image, format: 'qcow2' }, shows: [] },
      { op: 'purge', says, changes: [], folder: join(dir, '.snaptree-trash', 'old'), bytes: 0 },
      { op: 'run', says, changes: [image], argv: ['/usr/bin/virsh', 'snapshot-create-as', 'web', 's1', '--disk-only', '--diskspec', `vda,file=${image}`], creates: [image], progress: 'none', cancel: 'wait' },
    ];
    await writeFile(image, 'an overlay libvirt made');
    for (const [index, one] of steps.entries()) await leftBehind(`kind${index}`, 'running', [step('running')], planOf([one]));
    const jobs = await watchedJobs(join(dir, 'state')).jobs.list();
    const recovery = (index: number) => jobs.find((job) => job.id === `kind${index}`)!.recovery!;
    expect(recovery(0).key).toBe('jobs.recovery.inPart');
    expect(recovery(3).key).toBe('jobs.recovery.libvirtMade');
    expect(recovery(1).message).toContain('was defining web again');
    expect(recovery(2).message).toBe(`Step 1 was deleting ${join(dir, '.snaptree-trash', 'old')}: part of it may be gone. Empty the trash again to delete the rest.`);
    expectSaidInBoth([0, 1, 2, 3].map(recovery));
  });

  it('of an earlier boot (a power cut) is interrupted, though its pid is alive now as another process; front ends never see pid or boot', async () => {
    await leftBehind('rebooted', 'running', [step('running'), step('pending')], undefined, { pid: process.ppid, boot: '00000000-0000-4000-8000-000000000000' });
    const [job] = await watchedJobs(join(dir, 'state')).jobs.list();
    expect(job!.state).toBe('interrupted');
    expect(Object.keys(job!)).not.toContain('boot');
    expect(Object.keys(job!)).not.toContain('pid');
  });

  it('while waiting: nothing ran, nothing to undo', async () => {
    await leftBehind('waited', 'waiting', [step('pending'), step('pending')]);
    const [job] = await watchedJobs(join(dir, 'state')).jobs.list();
    expect(job!.left.map((said) => said.message)).toEqual(['The program stopped while the job waited: nothing ran.']);
    expect(job!.recovery).toBeNull();
    expectSaidInBoth(job!.left);
  });

  it("reads each file again: whole, missing, in the job's trash, or with a header QEMU would refuse", async () => {
    rawWithData(join(dir, 'a.raw'), 4096);
    await mkdir(join(dir, '.snaptree-trash', 'files'), { recursive: true });
    rawWithData(trashPathOf(join(dir, 'b.raw'), 'files'), 4096);
    // A qcow2 magic and version 3 with nothing sane after it.
    await writeFile(join(dir, 'a.qcow2'), Buffer.concat([Buffer.from('QFI\xfb\0\0\0\x03', 'latin1'), Buffer.alloc(200, 0xff)]));
    const plan = planOf([convertStep(join(dir, 'a.raw'), join(dir, 'a.qcow2'))], { unused: [join(dir, 'b.raw')], lockFiles: [join(dir, 'a.raw'), join(dir, 'gone.raw')] });
    await leftBehind('files', 'running', [step('running')], plan);
    const [job] = await watchedJobs(join(dir, 'state')).jobs.list();
    expect(job!.files.map(({ path, state }) => [path, state])).toEqual([
      [join(dir, 'a.qcow2'), 'invalid'],
      [join(dir, 'b.raw'), 'trashed'],
      [join(dir, 'a.raw'), 'ok'],
      [join(dir, 'gone.raw'), 'missing'],
    ]);
    expect(job!.files[0]!.problem?.key).toMatch(/^image\./);
    expectSaidInBoth([job!.files[0]!.problem!]);
  });

  it('is listed first, before running and ended jobs', async () => {
    await leftBehind('older', 'running', [step('running'), step('pending')]);
    const watched = watchedJobs(join(dir, 'state'));
    rawWithData(join(dir, 'c.raw'), 4096);
    const ended = await watched.jobs.start(planOf([convertStep(join(dir, 'c.raw'), join(dir, 'c.qcow2'))]));
    await watched.until(ended.id, ['done']);
    expect((await watched.jobs.list()).map((job) => [job.id, job.state])).toEqual([
      ['older', 'interrupted'],
      [ended.id, 'done'],
    ]);
  });
});
