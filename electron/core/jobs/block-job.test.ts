import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockpullArgv } from '../../../shared/virsh/blockpull.js';
import { testDomains, URI, virsh, type TestDomains } from '../libvirt/domains.test-support.js';
import { planOf, waitFor, watchedJobs } from './jobs.test-support.js';

let domains: TestDomains;
beforeAll(() => {
  domains = testDomains();
});
afterAll(() => {
  domains.remove();
});

const says = { key: 'test.step', values: {}, message: 'pull the base into the active layer' };

describe('a block job on a running TCG domain', () => {
  it('reads virsh --verbose progress, and a cancel stops it with virsh blockjob --abort: the domain runs on, its disk unchanged', async () => {
    const { name, disk } = domains.define('pull');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 0 48M', disk], { stdio: 'ignore' });
    virsh('start', name);
    const overlay = join(domains.dir, 'pull-top.qcow2');
    virsh('snapshot-create-as', '--domain', name, '--name', 'top', '--disk-only', '--no-metadata', '--diskspec', `vda,snapshot=external,file=${overlay}`);
    const uuid = virsh('domuuid', '--domain', name).trim();
    const lock = { uri: URI, uuid, name };
    // Slowed to 1 MiB/s (libvirt's --bandwidth), so that the cancel comes mid-job.
    const argv = [...blockpullArgv({ virsh: '/usr/bin/virsh', uri: URI }, name, 'vda'), '--bandwidth', '1'] as [string, ...string[]];
    const watched = watchedJobs(join(domains.dir, 'state'));
    const job = await watched.jobs.start({
      ...planOf([{ op: 'run', says, changes: [overlay], argv, creates: [], progress: 'virsh-block-job', cancel: 'blockjob-abort', domain: { ...lock, disk: 'vda' } }]),
      locks: { files: [overlay], domains: [lock] },
    });
    await waitFor(() => (watched.events.findLast((event) => event.job.id === job.id)?.job.progress?.fraction ?? 0) > 0);
    const cancelled = await watched.jobs.cancel(job.id);

    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.steps[0]!.outcome).toBe('cancelled');
    expect(cancelled.steps[0]!.outputTail.join('\n')).toMatch(/Block Pull: \[\s*\d+ %\]/);
    expect(virsh('blockjob', '--domain', name, '--path', 'vda', '--raw').trim()).toBe('');
    expect(virsh('domstate', '--domain', name).trim()).toBe('running');
    // The active layer is still the overlay on its backing file: nothing was pivoted or lost.
    expect(virsh('domblklist', '--domain', name)).toContain(overlay);
  }, 60_000);
});
