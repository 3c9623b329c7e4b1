/**
 * `snaptree plan|run commit` and `pull` as a user runs them, on bare chains with real data
 * in every layer: the merged chain's top reads the same bytes after, the folded layers are
 * in the trash, and a blocked drop says why with exit code 3 and changes nothing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backingOf, chainWithData, guestBytes, trashed, write } from '../core/jobs/guest-data.test-support.js';
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

  it('refuses a commit into a base whose other overlay lies beside the base, not beside the image: the base\'s folder is read too', async () => {
    // A template's folder with another guest's overlay in it, and this guest's overlay in a folder of its own.
    const [templates, guest] = [join(dir, 'templates'), join(dir, 'guest')];
    mkdirSync(templates);
    mkdirSync(guest);
    const [base, other, mine] = [join(templates, 'base.qcow2'), join(templates, 'other.qcow2'), join(guest, 'mine.qcow2')];
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '64M']);
    write(base, 0x11, '0', '4M');
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', other]);
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', '../templates/base.qcow2', '-F', 'qcow2', '--', mine]);
    write(mine, 0xaa, '1M', '1M');
    const before = [guestBytes(other, scratch), guestBytes(mine, scratch)];

    const { code, stderr } = await snaptree(['run', 'commit', './guest/mine.qcow2', '--yes']);
    expect(code, stderr).toBe(3);
    expect(stderr).toMatch(/^Blocked: .*templates\/base\.qcow2 is also used by .*templates\/other\.qcow2/m);
    expect([guestBytes(other, scratch), guestBytes(mine, scratch)]).toEqual(before);
    expect(existsSync(mine)).toBe(true);
  }, 120_000);

  it.each([
    ['names the wrong format', 'raw'],
    ['names no format', null],
  ])('refuses a commit and a pull through a layer whose header %s for its backing file (rule 3): qemu-img would write over the base\'s header', async (_, format) => {
    const folder = mkdtempSync(join(dir, 'format-'));
    const [base, top] = [join(folder, 'base.qcow2'), join(folder, 'top.qcow2')];
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '64M']);
    write(base, 0x11, '0', '4M');
    // A version 2 header ends at byte 72, where the backing format's extension starts: a zero there ends the extensions.
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-o', 'compat=0.10', '-u', '-b', 'base.qcow2', '-F', format ?? 'qcow2', '--', top, '64M']);
    if (format === null) {
      const fd = openSync(top, 'r+');
      writeSync(fd, Buffer.alloc(4), 0, 4, 72);
      closeSync(fd);
    }
    write(top, 0x33, '0', '64k');
    const before = readFileSync(base);

    for (const verb of ['commit', 'pull']) {
      const { code, stderr } = await snaptree(['run', verb, top, '--yes']);
      expect(code, stderr).toBe(3);
      expect(stderr).toContain(`${top} is read through ${top}, which`);
      expect(stderr).toContain('(data-safety rule 3)');
    }
    expect(readFileSync(base).equals(before)).toBe(true);
    expect(JSON.parse(execFileSync(QEMU_IMG, ['info', '--output=json', '--', base], { encoding: 'utf8' })).format).toBe('qcow2');
  }, 120_000);

  it('runs the same commit started twice from two terminals once: the second waits for the first, then runs nothing and says why (exit 1)', async () => {
    const twice = join(dir, 'twice');
    mkdirSync(twice);
    const [base, top] = [join(twice, 'base.qcow2'), join(twice, 'top.qcow2')];
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', base, '1600M']);
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', top]);
    // Enough for the first commit to take a second or two: the second terminal starts meanwhile.
    write(top, 0x5a, '0', '1536M');
    const before = guestBytes(top, scratch);

    const first = snaptree(['run', 'commit', top, '--yes']);
    // The first job has its locks once its record says it runs.
    const journal = join(scratch, 'state', 'snaptree', 'jobs');
    const running = () => existsSync(journal) && readdirSync(journal).some((name) => name.endsWith('.json') && (JSON.parse(readFileSync(join(journal, name), 'utf8')) as { state: string }).state === 'running');
    for (const deadline = Date.now() + 30_000; !running(); ) {
      if (Date.now() > deadline) throw new Error(`the first commit never ran: ${JSON.stringify(await first)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await snaptree(['run', 'commit', top, '--yes']);
    expect((await first).code).toBe(0);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toContain('Waits for job');
    expect(second.stdout).toContain('left: Not started: while it waited for another job, what its plan stands on changed. Nothing ran');
    expect(guestBytes(base, scratch)).toBe(before);
    expect(trashed(twice)).toEqual(['top.qcow2']);
  }, 120_000);
});
