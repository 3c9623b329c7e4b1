import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/snaptree.js', import.meta.url));

/** Runs the real `snaptree` command as a user would, and never throws on a failing exit. */
async function snaptree(args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('snaptree on the command line', () => {
  it('lists its verbs', async () => {
    const { code, stdout } = await snaptree(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+serve /m);
    expect(stdout).toMatch(/^\s+tools /m);
  });

  it('prints the tools check as JSON', async () => {
    const { code, stdout } = await snaptree(['tools', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.qemuImg.version).toMatch(/^\d+\.\d+/);
    expect(report.daemon.reachable).toBe(true);
  });

  it('names the package to install for each missing tool', async () => {
    const { code, stdout } = await snaptree(['tools', '--json'], { PATH: '/nonexistent', HOME: process.env.HOME });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.qemuImg).toMatchObject({ path: null, package: 'qemu-utils' });
    expect(report.qemuImg.error).toContain('qemu-utils');
    expect(report.virsh).toMatchObject({ path: null, package: 'libvirt-clients' });
    expect(report.daemon.reachable).toBe(false);
    expect(report.daemon.error).toContain('libvirt-clients');
  });

  it('says so plainly for an unknown verb or a bad option, with exit code 2', async () => {
    const unknown = await snaptree(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown verb "frobnicate"');
    const badPort = await snaptree(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a number');
  });
});
