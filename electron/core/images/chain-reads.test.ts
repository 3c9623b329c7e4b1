import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { image } from '../../../shared/plans/world.test-support.js';
import { createCore, type Core } from '../core.js';
import { jobEnded } from '../core.test-support.js';
import { HostCommandError, type Host, type HostCommand } from '../host/host.js';
import { say } from '../../../shared/messages/problems.js';
import { LocalHost } from '../host/local.js';
import { guestBytes, write } from '../jobs/guest-data.test-support.js';
import { QEMU_IMG } from '../jobs/jobs.test-support.js';
import { measureChain } from './chain-reads.js';

let home: string;
let core: Core;
/** The `qemu-img measure` commands the core ran. */
let measures: string[][];
/** Set: each measure fails as one on a file system that hangs does (its timeout). */
let measureHangs: boolean;
/** The machine's own tools, each command seen on its way. */
let host: Host;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'snaptree-measure-'));
  measures = [];
  measureHangs = false;
  const local = new LocalHost();
  host = Object.assign(Object.create(local) as LocalHost, {
    run: (command: HostCommand) => {
      if (command.argv[1] !== 'measure') return local.run(command);
      measures.push([...command.argv]);
      if (measureHangs) return Promise.reject(new HostCommandError('timeout', command.argv, null, '', '', say('tools.command.timeout', { program: command.argv[0], seconds: 10 })));
      return local.run(command);
    },
  });
  core = createCore(host, { mode: 'cli', configDir: join(home, 'config'), journalDir: join(home, 'jobs'), dataDir: join(home, 'data') });
});
afterEach(async () => {
  await core.cancelJobs();
  core.close();
  rmSync(home, { recursive: true, force: true });
});

/** base <- top in a watched folder, named as a shell would misread them; the top rewrites the base's first 8 MiB and adds 4 MiB. */
async function rewritingChain(): Promise<{ images: string; base: string; top: string }> {
  const images = join(home, 'images');
  mkdirSync(images);
  const base = join(images, `base 'b' $(x).qcow2`);
  const top = join(images, '-top "t" ✓.qcow2');
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '64M']);
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', `base 'b' $(x).qcow2`, '-F', 'qcow2', '--', top]);
  write(base, 0x11, '0', '8M');
  write(top, 0x22, '0', '8M');
  write(top, 0x33, '16M', '4M');
  await core.handlers.foldersAdd({ path: images });
  return { images, base, top };
}

const allocated = (...paths: string[]): number => paths.reduce((sum, path) => sum + statSync(path).blocks * 512, 0);

describe('the bytes a convert plan says it writes', () => {
  it('are what qemu-img measures, not the layers added up: a cluster the overlay rewrote is copied once; the start plans again without measuring again', async () => {
    const { images, base, top } = await rewritingChain();
    const guest = guestBytes(top, home);
    const { required } = JSON.parse(execFileSync(QEMU_IMG, ['measure', '--output=json', '-f', 'qcow2', '-O', 'qcow2', '--', top], { encoding: 'utf8' })) as { required: number };

    const intent = { kind: 'convert', image: top, path: join(images, 'flat.qcow2') } as const;
    const plan = await core.handlers.planMake({ intent });
    expect(plan.blockers).toEqual([]);
    expect(plan.bytes).toBe(required);
    // The layers hold the rewritten 8 MiB twice: the estimate would have said so.
    expect(allocated(base, top) - required).toBeGreaterThan(7 << 20);
    expect(measures).toEqual([[QEMU_IMG, 'measure', '--output=json', '-U', '-f', 'qcow2', '-O', 'qcow2', '--', top]]);

    const started = await core.handlers.jobStart({ intent, plan: plan.id });
    if (!started.started) throw new Error('the plan changed before it started');
    const job = await jobEnded(core, started.job.id);
    expect(job.state).toBe('done');
    expect(job.plan.bytes).toBe(required);
    // The layers were as measured: the start's check asked qemu-img nothing more.
    expect(measures).toHaveLength(1);
    // The copy took what the plan said, and the guest reads the same bytes from it and, still, from the chain.
    expect(statSync(intent.path).size).toBe(required);
    expect(guestBytes(intent.path, home)).toBe(guest);
    expect(guestBytes(top, home)).toBe(guest);

    // Written since (once the core has seen it grow), the top is measured afresh.
    const grown = statSync(top).blocks;
    write(top, 0x44, '32M', '4M');
    expect(statSync(top).blocks).toBeGreaterThan(grown);
    const seen = (await core.handlers.forestGet({})).images.find((candidate) => candidate.path === top)!.actualSize;
    while ((await core.handlers.forestGet({})).images.find((candidate) => candidate.path === top)!.actualSize === seen) await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await core.handlers.planMake({ intent: { ...intent, path: join(images, 'flat-2.qcow2') } });
    expect(measures).toHaveLength(2);
    expect(again.bytes).toBeGreaterThan(required + (3 << 20));
  }, 60_000);

  it('fall back to the layers added up where qemu-img cannot measure (it hung): the plan is made all the same, and says only that the copy may not fit', async () => {
    const { images, base, top } = await rewritingChain();
    measureHangs = true;
    const plan = await core.handlers.planMake({ intent: { kind: 'convert', image: top, path: join(images, 'flat.qcow2') } });
    expect(measures).toHaveLength(1);
    expect(plan.blockers).toEqual([]);
    expect(plan.bytes).toBe(allocated(base, top));
    expect(plan.warnings.map((warning) => warning.key)).not.toContain('plans.warning.wontFit');
  }, 60_000);
});

describe('the measures kept between plans', () => {
  it('are the last 256 chains\' only: a chain measured 256 others ago is measured again, the newest is not', async () => {
    const real = join(home, 'disk.qcow2');
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', real, '64M']);
    write(real, 0x44, '0', '1M');
    // 257 chains as qemu-img sees them, one file under 257 names.
    const chains = Array.from({ length: 257 }, (_, index) => {
      const path = join(home, `chain-${index}.qcow2`);
      symlinkSync(real, path);
      return [image(path)] as const;
    });
    for (const chain of chains) expect(await measureChain(host, QEMU_IMG, chain)).toMatchObject({ required: expect.any(Number) });
    expect(measures).toHaveLength(257);
    await measureChain(host, QEMU_IMG, chains[256]!);
    expect(measures).toHaveLength(257);
    await measureChain(host, QEMU_IMG, chains[0]!);
    expect(measures).toHaveLength(258);
  }, 60_000);
});
