/**
 * A mark step that fails (its snapshot gone meanwhile): the record says which kept records
 * are left unmarked, this step's and the later ones', so that the user deletes them.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { StepInput } from '../../../shared/plans/plan.js';
import { domainsOfFile, URI, virsh } from '../libvirt/domains.test-support.js';
import { ENDED, planOf, watchedJobs } from './jobs.test-support.js';

const fixture = domainsOfFile('mark');

/** A mark step of a merge that keeps its records, on a test domain of this file's own. */
function markOf(guest: { name: string }): (snapshot: string) => StepInput {
  const uuid = virsh('domuuid', guest.name).trim();
  return (snapshot) => ({
    op: 'mark-folded',
    says: { key: 'test.step', values: {}, message: `mark ${snapshot}` },
    changes: [],
    domain: { uri: URI, uuid, name: guest.name },
    virsh: '/usr/bin/virsh',
    snapshot,
    shows: [],
  });
}

it('names every kept record left unmarked when a mark fails', async () => {
  const mark = markOf(fixture.domains.define('mark'));
  const watched = watchedJobs(join(fixture.scratch, 'journal'));
  const job = await watched.jobs.start(planOf([mark('gone'), mark('later')]));
  const ended = await watched.until(job.id, ENDED);
  expect(ended.state).toBe('failed');
  expect(ended.left.filter((said) => said.key === 'jobs.left.notMarked').map((said) => said.values.snapshot)).toEqual(['gone', 'later']);
  watched.jobs.close();
});

it('names no record when the fold before the marks never started: every fixture.scratch is still there', async () => {
  const mark = markOf(fixture.domains.define('unfolded'));
  const layer = join(fixture.scratch, 'top.qcow2');
  const fold: StepInput = { op: 'run', says: { key: 'test.step', values: {}, message: 'fold' }, changes: [layer], argv: [join(fixture.scratch, 'no-such-qemu-img'), 'commit', '--', layer], creates: [], makesFolders: [], progress: 'none', cancel: 'wait' };
  const watched = watchedJobs(join(fixture.scratch, 'journal-unfolded'));
  const job = await watched.jobs.start(planOf([fold, mark('kept'), mark('also-kept')]));
  const ended = await watched.until(job.id, ENDED);
  expect(ended.state).toBe('failed');
  expect(ended.steps.map((step) => step.outcome)).toEqual(['failed', 'skipped', 'skipped']);
  expect(ended.left.map((said) => said.key)).not.toContain('jobs.left.notMarked');
  watched.jobs.close();
});
