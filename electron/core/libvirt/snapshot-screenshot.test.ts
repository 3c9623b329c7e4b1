import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core.js';
import { jobEnded } from '../core.test-support.js';
import { LocalHost } from '../host/local.js';
import { domainsOfFile, URI, virsh } from './domains.test-support.js';

const fixture = domainsOfFile('snapshot-screenshot');
let core: Core;
let guest: { name: string; uuid: string };

beforeAll(() => {
  const { name } = fixture.domains.define('screen', { start: true, graphics: true });
  guest = { name, uuid: virsh('domuuid', '--domain', name).trim() };
  const home = fixture.scratch;
  core = createCore(new LocalHost(), { mode: 'cli', configDir: join(home, 'config'), journalDir: join(home, 'jobs'), dataDir: join(home, 'data') });
});
afterAll(() => core.close());

describe('a snapshot of a running domain with a display, as a job', () => {
  it('keeps a picture of its screen that the window can show', async () => {
    // As the window does: it plans on what it shows, once the inventory has the domain.
    while (!(await core.handlers.inventoryGet({})).connections.some((connection) => connection.domains.some((domain) => domain.uuid === guest.uuid && domain.display))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const intent = { kind: 'snapshot', uri: URI, domain: guest.name, name: 'with picture' } as const;
    let plan = await core.handlers.planMake({ intent });
    let started = await core.handlers.jobStart({ intent, plan: plan.id });
    // The view read afresh may differ from the last one (the disk's header scanned since):
    // the window shows the new plan and the user runs that one.
    for (let shown = 1; !started.started && shown < 3; shown++) {
      plan = started.plan;
      started = await core.handlers.jobStart({ intent, plan: plan.id });
    }
    expect(plan.blockers).toEqual([]);
    expect(plan.steps.map((step) => (step.op === 'run' ? step.argv[3] : step.op))).toEqual(['snapshot-create-as', 'screenshot']);
    if (!started.started) throw new Error('the plan kept changing');
    const job = await jobEnded(core, started.job.id);
    expect(job.state).toBe('done');
    expect(job.left).toEqual([]);
    expect((await core.handlers.screenshotGet({ uuid: guest.uuid, snapshot: 'with picture' })).png).toMatch(/^data:image\/png;base64,/);
  }, 60_000);
});
