/**
 * A mark step that fails (its snapshot gone meanwhile): the record says which kept records
 * are left unmarked, this step's and the later ones', so that the user deletes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StepInput } from '../../../shared/plans/plan.js';
import { testDomains, URI, virsh, type TestDomains } from '../libvirt/domains.test-support.js';
import { ENDED, planOf, watchedJobs } from './jobs.test-support.js';

let domains: TestDomains;
let state: string;
beforeAll(() => {
  domains = testDomains();
  state = mkdtempSync(join(tmpdir(), 'snaptree-mark-'));
});
afterAll(() => {
  domains?.remove();
  rmSync(state, { recursive: true, force: true });
});

it('names every kept record left unmarked when a mark fails', async () => {
  const guest = domains.define('mark');
  const uuid = virsh('domuuid', guest.name).trim();
  const mark = (snapshot: string): StepInput => ({
    op: 'mark-folded',
    says: { key: 'test.step', values: {}, message: `mark ${snapshot}` },
    changes: [],
    domain: { uri: URI, uuid, name: guest.name },
    virsh: '/usr/bin/virsh',
    snapshot,
    shows: [],
  });
  const watched = watchedJobs(join(state, 'journal'));
  const job = await watched.jobs.start(planOf([mark('gone'), mark('later')]));
  const ended = await watched.until(job.id, ENDED);
  expect(ended.state).toBe('failed');
  expect(ended.left.filter((said) => said.key === 'jobs.left.notMarked').map((said) => said.values.snapshot)).toEqual(['gone', 'later']);
  watched.jobs.close();
});
