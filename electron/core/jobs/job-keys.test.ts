/**
 * Every sentence of the job runner, said in both languages: the cases the other tests
 * meet on real runs, and the rest (a kill signal, a trash that refused a rename, a
 * journal record that would not parse) with values of the kind they carry.
 */
import { describe, it } from 'vitest';
import { jobProblems } from '../../../shared/messages/job-problems.js';
import { say } from '../../../shared/messages/problems.js';
import { expectSaidInBoth } from '../said.test-support.js';

/** Every dotted key under `jobs.` with a template. */
function keysOf(catalogue: object, prefix: string): string[] {
  return Object.entries(catalogue).flatMap(([name, value]) => (typeof value === 'string' ? [`${prefix}.${name}`] : keysOf(value as object, `${prefix}.${name}`)));
}

describe("the job runner's sentences", () => {
  it('each has an English template that is its message and a Chinese one with every value filled in', () => {
    const sample = { job: 'mx4h-1b39c602', what: '/vm/a b.qcow2', path: '/vm/new "disk".qcow2', trashed: '/vm/.snaptree-trash/mx4h-1b39c602/new "disk".qcow2', program: '/usr/bin/qemu-img', exitCode: 1, detail: 'qemu-img: error while writing at byte 0: No space left on device', signal: 'SIGKILL', code: 'EXDEV', folder: '/vm/keep', domain: 'web', state: 'running', step: 2, total: 3, from: 2, file: '/state/jobs/broken.json', paths: '/vm/web.s1.qcow2, /vm/web.s1.mem', snapshot: 'before upgrade', uri: 'qemu:///system', domains: 'web, db' };
    expectSaidInBoth(keysOf(jobProblems, 'jobs').map((key) => say(key, sample)));
  });
});
