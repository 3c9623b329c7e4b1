/**
 * `snaptree plan|run commit` and `pull` as a user runs them, on bare chains with real data
 * in every layer: the merged chain's top reads the same bytes after, the folded layers are
 * in the trash, and a blocked drop says why with exit code 3 and changes nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backingOf, chainWithData, guestBytes, trashed } from '../core/jobs/merge.test-support.js';
import { QEMU_IMG } from '../core/jobs/jobs.test-support.js';

const bin = fileURLToPath(new URL('../../bin/snaptree.js', import.meta.url));

let dir: string;
let scratch: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-cli-merge-'));
  scratch = mkdtempSync(join(tmpdir(), 'snaptree-cli-merge-scratch-'));
  env = { ...process.env, XDG_STATE_HOME: join(scratch, 'state'), XDG_DATA_HOME: join(scratch, 'data'), XDG_CONFIG_HOME: join(scratch, 'config') };
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function snaptree(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('snaptree plan|run commit and pull', () => {
  it('plans the seeds\' commit of sn3 onto sn1 (runs nothing), then runs it: sn1 reads what sn3 read, sn2 and sn3 are in the trash', async () => {
    const chain = chainWithData(dir, 'c');
    const before = guestBytes(chain.sn3, scratch);

    const planned = await snaptree(['plan', 'commit', './c.sn3.qcow2', '--into', './c.sn1.qcow2']);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`qemu-img commit -p -f qcow2 -d -- ${chain.sn2}`);
    expect(planned.stdout).toContain(`qemu-img rebase -u -f qcow2 -b ${chain.sn1} -F qcow2 -- ${chain.sn3}`);
    expect(planned.stdout).toContain(`qemu-img commit -p -f qcow2 -d -- ${chain.sn3}`);
    expect(existsSync(chain.sn3)).toBe(true);

    const ran = await snaptree(['run', 'commit', './c.sn3.qcow2', '--into', './c.sn1.qcow2', '--yes']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(guestBytes(chain.sn1, scratch)).toBe(before);
    expect(backingOf(chain.sn1)).toBe(chain.base);
    expect([existsSync(chain.sn2), existsSync(chain.sn3)]).toEqual([false, false]);
    expect(trashed(dir)).toEqual(expect.arrayContaining(['c.sn2.qcow2', 'c.sn3.qcow2']));
  }, 120_000);

  it('runs a flatten (pull with no --base): sn3 reads the same and needs no backing file; a pull with --base backs onto it', async () => {
    const chain = chainWithData(dir, 'p');
    const before = guestBytes(chain.sn3, scratch);
    const ran = await snaptree(['run', 'pull', './p.sn3.qcow2', '--base', './p.sn1.qcow2', '--yes']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(backingOf(chain.sn3)).toBe(chain.sn1);
    expect(guestBytes(chain.sn3, scratch)).toBe(before);

    const flat = await snaptree(['run', 'pull', './p.sn3.qcow2', '--yes']);
    expect(flat.code, flat.stderr).toBe(0);
    expect(backingOf(chain.sn3)).toBeNull();
    expect(guestBytes(chain.sn3, scratch)).toBe(before);
    expect(trashed(dir)).toEqual(expect.arrayContaining(['p.sn2.qcow2', 'p.sn1.qcow2', 'p.base.qcow2']));
  }, 120_000);

  it('refuses a commit into a base other overlays use, with exit code 3 and the pull it offers instead; nothing changes', async () => {
    const chain = chainWithData(dir, 'b');
    await promisify(execFile)(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'b.sn1.qcow2', '-F', 'qcow2', '--', join(dir, 'b.sibling.qcow2')]);
    const before = guestBytes(chain.sn3, scratch);
    const sibling = guestBytes(join(dir, 'b.sibling.qcow2'), scratch);
    const { code, stderr } = await snaptree(['run', 'commit', './b.sn2.qcow2', '--yes']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^Blocked: .*b\.sn1\.qcow2 is also used by .*b\.sibling\.qcow2/m);
    expect(stderr).toMatch(/instead: Pull instead: .*b\.sn2\.qcow2 takes the data of the layers down to/);
    expect([guestBytes(chain.sn3, scratch), guestBytes(join(dir, 'b.sibling.qcow2'), scratch)]).toEqual([before, sibling]);
  }, 120_000);
});
