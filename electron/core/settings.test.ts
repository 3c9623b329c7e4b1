import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from './core.js';
import { LocalHost } from './host/local.js';
import { writeAtomically } from './settings.js';

/** The settings file, as the user's story goes: whatever it holds, nothing in it is lost. */
let home: string;
let config: string;
let settingsPath: string;
let cores: Core[];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'snaptree-settings-'));
  config = join(home, 'config');
  mkdirSync(config);
  settingsPath = join(config, 'settings.json');
  cores = [];
});
afterEach(() => {
  for (const core of cores) core.close();
  vi.restoreAllMocks();
  rmSync(home, { recursive: true, force: true });
});

function startCore(): Core {
  const core = createCore(new LocalHost(), { mode: 'cli', configDir: config });
  cores.push(core);
  return core;
}

const problemsOf = async (core: Core): Promise<string[]> => (await core.handlers.settingsCheck({})).problems.map((problem) => problem.message);

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
// Root reads a file of mode 000 all the same: as root, the reading is done as nobody.
const { seteuid, setegid } = process;
const canBeDenied = !isRoot || (seteuid !== undefined && setegid !== undefined);

async function withoutRoot<T>(work: () => Promise<T>): Promise<T> {
  if (!isRoot) return work();
  setegid!(NOBODY);
  seteuid!(NOBODY);
  try {
    return await work();
  } finally {
    seteuid!(0);
    setegid!(0);
  }
}

describe('a settings file that is there but cannot be read', () => {
  it.skipIf(!canBeDenied)('without permission is never written over: a change is refused, and both say why', async () => {
    const saved = `${JSON.stringify({ watchedFolders: ['/srv/vms', '/srv/templates'], connections: ['qemu+ssh://kvm1.example/system'] }, null, 2)}\n`;
    writeFileSync(settingsPath, saved);
    chmodSync(settingsPath, 0o000);
    // The folder stays writable to whoever reads: the old code renamed its new file over the locked one.
    chmodSync(home, 0o755);
    chmodSync(config, 0o777);
    const folder = mkdtempSync(join(home, 'vms-'));

    await withoutRoot(async () => {
      const core = startCore();
      await expect(core.handlers.foldersAdd({ path: folder })).rejects.toThrow(`Not saved: ${settingsPath} cannot be read: permission denied (EACCES), and saving would write over it.`);
      await expect(core.handlers.connectionsAdd({ uri: 'qemu+ssh://kvm2.example/system' })).rejects.toThrow('Not saved');
      expect((await core.handlers.foldersList({})).folders).toEqual([]);
      expect(await problemsOf(core)).toEqual([
        `${settingsPath} cannot be read: permission denied (EACCES). Snaptree starts without its folders and connections, and saves no change over it.`,
      ]);
    });
    chmodSync(settingsPath, 0o600);
    expect(readFileSync(settingsPath, 'utf8')).toBe(saved);
    expect(readdirSync(config)).toEqual(['settings.json']);
  });
  if (!canBeDenied) console.log('Skipped the permission test: running as root, and this process cannot take another user’s identity.');

  it('because a folder is in its place is never written over, and leaves no temporary file, also as root', async () => {
    mkdirSync(settingsPath);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const core = startCore();

    await expect(core.handlers.foldersAdd({ path: home })).rejects.toThrow(`Not saved: ${settingsPath} cannot be read: it is a folder (EISDIR)`);
    expect(statSync(settingsPath).isDirectory()).toBe(true);
    expect(readdirSync(config)).toEqual(['settings.json']);
    expect(await problemsOf(core)).toEqual([expect.stringContaining('it is a folder (EISDIR)')]);
    await vi.waitFor(() => expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^snaptree: .*settings\.json cannot be read: it is a folder \(EISDIR\)/)));
  });
});

describe('a settings file that is not JSON', () => {
  it('is set aside to a backup of its own each time: a second corruption keeps the first backup, and both are named', async () => {
    writeFileSync(settingsPath, '{ this is not json');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const core = startCore();
    expect((await core.handlers.foldersList({})).folders).toEqual([]);

    writeFileSync(settingsPath, '["a list, not settings"]');
    expect((await core.handlers.foldersList({})).folders).toEqual([]);

    expect(readFileSync(`${settingsPath}.unreadable-1`, 'utf8')).toBe('{ this is not json');
    expect(readFileSync(`${settingsPath}.unreadable-2`, 'utf8')).toBe('["a list, not settings"]');
    const problems = await problemsOf(core);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/was not valid settings \(.*JSON.*\): it is kept as .*settings\.json\.unreadable-1, and Snaptree started afresh\.$/);
    expect(problems[1]).toBe(`${settingsPath} was not valid settings (it does not hold a JSON object): it is kept as ${settingsPath}.unreadable-2, and Snaptree started afresh.`);
    // And the next change starts a fresh file beside both.
    await core.handlers.foldersAdd({ path: home });
    expect(readdirSync(config).sort()).toEqual(['settings.json', 'settings.json.unreadable-1', 'settings.json.unreadable-2']);
    expect(stderr).toHaveBeenCalledWith(`snaptree: ${problems[0]}\n`);
  });
});

describe('a settings file with entries this version cannot take', () => {
  it('keeps every valid entry, names each one left out, and keeps the file as it was before a save drops them', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => mkdtempSync(join(home, `${name}-`)));
    const saved = JSON.stringify({ watchedFolders: [a, 42, b], connections: ['qemu+ssh://kvm1.example/system', null] });
    writeFileSync(settingsPath, saved);
    const core = startCore();

    expect((await core.handlers.foldersList({})).folders).toEqual([a, b]);
    expect(await problemsOf(core)).toEqual([
      `${settingsPath}: watchedFolders entry 2 (42) is not text: left out.`,
      `${settingsPath}: connections entry 2 (null) is not text: left out.`,
    ]);
    expect(readdirSync(config)).toEqual(['settings.json']);

    await core.handlers.foldersAdd({ path: c! });
    expect(readFileSync(`${settingsPath}.before-save-1`, 'utf8')).toBe(saved);
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({ watchedFolders: [a, b, c], connections: ['qemu+ssh://kvm1.example/system'] });
    expect(await problemsOf(core)).toEqual([`${settingsPath} held entries Snaptree could not read: the file as it was is kept as ${settingsPath}.before-save-1.`]);
  });

  it('writes keys it does not know back unchanged (a newer Snaptree’s)', async () => {
    writeFileSync(settingsPath, JSON.stringify({ watchedFolders: [], theme: 'dark', window: { width: 1200, maximised: true } }));
    const core = startCore();
    await core.handlers.foldersAdd({ path: home });
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({ watchedFolders: [home], connections: [], theme: 'dark', window: { width: 1200, maximised: true } });
    expect(await problemsOf(core)).toEqual([]);
  });

  it('written by an editor with a byte order mark is read as it is, not set aside', async () => {
    writeFileSync(settingsPath, `\ufeff${JSON.stringify({ watchedFolders: [home] })}`);
    const core = startCore();
    expect((await core.handlers.foldersList({})).folders).toEqual([home]);
    expect(await problemsOf(core)).toEqual([]);
  });
});

describe('the window’s language', () => {
  it('is remembered in the file beside the other settings, which a change of language keeps', async () => {
    writeFileSync(settingsPath, JSON.stringify({ watchedFolders: [home], connections: [] }));
    const core = startCore();
    expect(await core.handlers.languageGet({})).toEqual({ language: null });

    await core.handlers.languageSet({ language: 'zh-CN' });
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({ watchedFolders: [home], connections: [], language: 'zh-CN' });
    expect(await startCore().handlers.languageGet({})).toEqual({ language: 'zh-CN' });
    expect((await core.handlers.foldersList({})).folders).toEqual([home]);
  });

  it('that this version does not have is left out and named: the window follows the system', async () => {
    writeFileSync(settingsPath, JSON.stringify({ watchedFolders: [], language: 'fr' }));
    const core = startCore();
    expect(await core.handlers.languageGet({})).toEqual({ language: null });
    expect(await problemsOf(core)).toEqual([`${settingsPath}: language ("fr") is not a language of the window (en, zh-CN): left out.`]);
  });
});

describe('the atomic write', () => {
  it('removes its temporary file when the rename fails', async () => {
    mkdirSync(settingsPath);
    writeFileSync(join(settingsPath, 'inside'), '');
    await expect(writeAtomically(settingsPath, '{}\n')).rejects.toThrow();
    expect(readdirSync(config)).toEqual(['settings.json']);
    expect(existsSync(join(settingsPath, 'inside'))).toBe(true);
  });
});
