/**
 * The settings file's problems and refusals, said through the catalogues: read from real
 * files in a temporary folder, each says in both languages what its `message` says.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Said } from '../../shared/messages/problems.js';
import { Refusal } from './refusal.js';
import { expectSaidInBoth } from './said.test-support.js';
import { SettingsFile } from './settings.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-settings-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refusalOf(change: Promise<unknown>): Promise<Said> {
  const error: unknown = await change.catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(Refusal);
  expect((error as Refusal).said).not.toBeNull();
  return (error as Refusal).said!;
}

describe('the settings file', () => {
  it('says each entry left out, what was set aside and kept, by key and values', async () => {
    const file = new SettingsFile(dir);
    const path = join(dir, 'settings.json');
    writeFileSync(path, '{ not json');
    await file.read();
    writeFileSync(path, '[1]');
    await file.read();
    writeFileSync(path, JSON.stringify({ watchedFolders: ['/vms', 7], connections: 'qemu:///system', language: 'fr' }));
    await file.read();
    await file.update({ watchedFolders: ['/vms'] });
    const { problems } = await file.read();
    expect(problems.map((problem) => problem.key)).toEqual(['settings.setAside', 'settings.setAside', 'settings.keptBeforeSave']);

    writeFileSync(path, JSON.stringify({ watchedFolders: ['/vms', 7], connections: 'qemu:///system', language: 'fr' }));
    const leftOut = (await new SettingsFile(dir).read()).problems;
    expect(leftOut.map((problem) => problem.key)).toEqual(['settings.leftOut.entry', 'settings.leftOut.notAList', 'settings.leftOut.value']);
    expect(leftOut[0]?.message).toBe(`${path}: watchedFolders entry 2 (7) is not text: left out.`);
    expectSaidInBoth([...problems, ...leftOut]);
  });

  it('says a file it must not write over, and the save it refuses, by key and values', async () => {
    mkdirSync(join(dir, 'settings.json'));
    const file = new SettingsFile(dir);
    const { problems } = await file.read();
    expect(problems.map((problem) => problem.key)).toEqual(['settings.kept.folder']);
    const refused = await refusalOf(file.update({ watchedFolders: ['/vms'] }));
    expect(refused.key).toBe('settings.notSaved.folder');

    // A settings folder that is a file: the file in it cannot be read.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, '');
    const unreadable = await refusalOf(new SettingsFile(blocked).update({ watchedFolders: ['/vms'] }));
    expect(unreadable.key).toBe('settings.notSaved.unreadable');

    // A folder where the save writes its temporary file, even as root: the save cannot be made.
    const fresh = join(dir, 'fresh');
    mkdirSync(join(fresh, `settings.json.${process.pid}.tmp`), { recursive: true });
    const unwritable = await refusalOf(new SettingsFile(fresh).update({ watchedFolders: ['/vms'] }));
    expect(unwritable.key).toBe('settings.notSaved.unwritable');
    expectSaidInBoth([...problems, refused, unreadable, unwritable]);
  });
});
