import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore } from './core.js';
import { LocalHost } from './host/local.js';

let home: string;
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

describe('the watched folders', () => {
  it('keeps both folders when two windows add one at the same moment', async () => {
    home = mkdtempSync(join(tmpdir(), 'snaptree-core-'));
    const core = createCore(new LocalHost(), { mode: 'cli', configDir: join(home, 'config') });
    const folders = ['a', 'b', 'c'].map((name) => mkdtempSync(join(home, `${name}-`)));
    await Promise.all(folders.map((path) => core.handlers.foldersAdd({ path })));
    expect((await core.handlers.foldersList({})).folders.sort()).toEqual([...folders].sort());
    // And on disk, for the next start.
    expect(JSON.parse(readFileSync(join(home, 'config', 'settings.json'), 'utf8')).watchedFolders.sort()).toEqual([...folders].sort());
    core.close();
  });

  it('scans a folder added while the first window starts the workspace: the list read before it does not win', async () => {
    home = mkdtempSync(join(tmpdir(), 'snaptree-core-'));
    // Its start is held up for a moment (as on a loaded machine) while it asks which libvirt to follow.
    class SlowToStart extends LocalHost {
      override async defaultLibvirtUri(): Promise<string> {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return super.defaultLibvirtUri();
      }
    }
    const core = createCore(new SlowToStart(), { mode: 'cli', configDir: join(home, 'config') });
    const folder = mkdtempSync(join(home, 'images-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(folder, 'disk.qcow2'), '16M']);
    // The page's first read, and the user's first folder added while the workspace starts.
    await Promise.all([core.handlers.forestGet({}), core.handlers.foldersAdd({ path: folder })]);
    const listed = async () => (await core.handlers.forestGet({})).images.map((image) => image.path);
    for (let tries = 0; tries < 40 && !(await listed()).includes(join(folder, 'disk.qcow2')); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await listed()).toEqual([join(folder, 'disk.qcow2')]);
    core.close();
  });

  it('keeps an unreadable settings file aside instead of overwriting it', async () => {
    home = mkdtempSync(join(tmpdir(), 'snaptree-core-'));
    const config = join(home, 'config');
    const first = createCore(new LocalHost(), { mode: 'cli', configDir: config });
    await first.handlers.foldersAdd({ path: home });
    first.close();
    writeFileSync(join(config, 'settings.json'), '{ this is not json');
    const second = createCore(new LocalHost(), { mode: 'cli', configDir: config });
    expect((await second.handlers.foldersList({})).folders).toEqual([]);
    expect(readFileSync(join(config, 'settings.json.unreadable-1'), 'utf8')).toBe('{ this is not json');
    second.close();
  });
});

describe('the demo workspace', () => {
  it('is made once when two windows ask for it at the same moment, and watched once', async () => {
    home = mkdtempSync(join(tmpdir(), 'snaptree-core-'));
    const demoDir = join(home, 'demo');
    // No daemon answers: the demo's domain is tested in demo-domain.test.ts, which removes it.
    vi.stubEnv('LIBVIRT_DEFAULT_URI', 'qemu+unix:///system?socket=/nonexistent/snaptree-core-demo.sock');
    const core = createCore(new LocalHost(), { mode: 'cli', configDir: join(home, 'config'), demoDir });
    const replies = await Promise.all([core.handlers.demoCreate({}), core.handlers.demoCreate({})]);
    expect(replies).toEqual([{ folder: demoDir }, { folder: demoDir }]);
    expect((await core.handlers.foldersList({})).folders).toEqual([demoDir]);
    expect(readdirSync(demoDir)).toContain('RootBase.qcow2');
    core.close();
  }, 60_000);
});

describe('the libvirt connections', () => {
  it('does not follow a saved URI that would run a program', async () => {
    home = mkdtempSync(join(tmpdir(), 'snaptree-core-'));
    const config = join(home, 'config');
    // As an older version could have saved it, or a hand could have written it.
    mkdirSync(config);
    writeFileSync(join(config, 'settings.json'), JSON.stringify({ watchedFolders: [], connections: ['qemu+ext:///system?command=/usr/bin/touch'] }));
    const core = createCore(new LocalHost(), { mode: 'cli', configDir: config });
    const { uris } = await core.handlers.connectionsAdd({ uri: 'qemu+ssh://kvm1.example/system' });
    expect(uris).toContain('qemu+ssh://kvm1.example/system');
    expect(uris.some((uri) => uri.includes('+ext'))).toBe(false);
    core.close();
  });
});

describe('the settings file', () => {
  it('keeps what another Snaptree process saved meanwhile (a window and serve side by side)', async () => {
    home = mkdtempSync(join(tmpdir(), 'snaptree-core-'));
    const config = join(home, 'config');
    const window = createCore(new LocalHost(), { mode: 'cli', configDir: config });
    const serve = createCore(new LocalHost(), { mode: 'cli', configDir: config });
    const [a, b] = ['a', 'b'].map((name) => mkdtempSync(join(home, `${name}-`)));
    await window.handlers.foldersList({});
    await serve.handlers.foldersAdd({ path: a! });
    await window.handlers.foldersAdd({ path: b! });
    expect((await serve.handlers.foldersList({})).folders.sort()).toEqual([a, b].sort());
    window.close();
    serve.close();
  });
});
