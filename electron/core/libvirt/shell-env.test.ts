import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { DAEMON_SOCKET } from './daemon-door.test-support.js';
import { VirshSession } from './session.js';
import { virshShellEnv } from './shell-env.js';
import { VirshStepShells } from './step-shells.js';

const VIRSH = '/usr/bin/virsh';
const URI = 'qemu:///system';

let dir: string;
let userCache: string;
let cacheBefore: string | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-shell-env-'));
  userCache = join(dir, 'cache');
  // The user's own cache, for this test: virsh and Snaptree both find it through the variable.
  cacheBefore = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = userCache;
});
afterEach(() => {
  if (cacheBefore === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheBefore;
  rmSync(dir, { recursive: true, force: true });
});

describe('the environment of our virsh shells', () => {
  it("moves their history into Snaptree's cache, except for the URI of a session daemon of this host (a shell may start that daemon, which takes its cache folder)", () => {
    for (const uri of ['qemu:///system', 'qemu+ssh://host/system', 'test:///default', 'qemu+ssh://user@host/session']) expect(virshShellEnv(uri), uri).toEqual({ XDG_CACHE_HOME: join(userCache, 'snaptree', 'virsh-shell') });
    for (const uri of ['qemu:///session', 'qemu+unix:///session?socket=/run/x', 'qemu:///session/', 'not a uri']) expect(virshShellEnv(uri), uri).toEqual({});
  });
});

describe.skipIf(!existsSync(DAEMON_SOCKET) || !existsSync(VIRSH))("our virsh shells and the user's own virsh history", () => {
  it('a read shell and a step shell, ended as a dying core ends them, leave the history byte for byte as it was', async () => {
    const history = join(userCache, 'libvirt', 'virsh', 'history');
    mkdirSync(join(userCache, 'libvirt', 'virsh'), { recursive: true });
    writeFileSync(history, 'list --all\nsnapshot-list web\n');
    const local = new LocalHost();
    const shells: Conversation[] = [];
    const host = Object.assign(Object.create(local) as LocalHost, {
      converse: (...args: Parameters<LocalHost['converse']>) => {
        const shell = local.converse(...args);
        shells.push(shell);
        return shell;
      },
    });
    const reads = new VirshSession(host, VIRSH, URI);
    expect((await reads.run([['uri']]))[0]).toContain(URI);
    const steps = new VirshStepShells(host);
    expect((await steps.run({ virsh: VIRSH, uri: URI, command: ['hostname'] })).exitCode).toBe(0);
    expect(shells).toHaveLength(2);
    // The way virsh leaves its loop when the process that spoke to it dies (its input ends):
    // that is when it writes the history back.
    for (const shell of shells) shell.write('quit\n');
    await Promise.all(shells.map((shell) => shell.ended));
    expect(readFileSync(history, 'utf8')).toBe('list --all\nsnapshot-list web\n');
    // The shells did write theirs (each the whole file, the last to end wins): into Snaptree's own cache.
    expect(readFileSync(join(userCache, 'snaptree', 'virsh-shell', 'libvirt', 'virsh', 'history'), 'utf8')).toMatch(/@@snaptree/);
  });
});
