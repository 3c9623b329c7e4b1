/**
 * Every problem the core sends says the same thing three ways: `message` (the CLI's and
 * the JSON's English), and `key` with `values`, which the window gives to i18next in the
 * user's language. Scanned from real images: the corpus, and a few cases of the scanner's
 * own (a backing that is a FIFO or under a file, a data file gone, a vmdk's extent gone),
 * then linked to libvirt's view of domains made up to disagree with them. The entries the
 * scan skips (`reason` beside `key` and `values`) are said the same way.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest, Problem } from '../../../shared/images/model.js';
import { linkInventory } from '../../../shared/libvirt/link.js';
import type { Connection, Domain, LibvirtProblem } from '../../../shared/libvirt/model.js';
import { problems as english, say } from '../../../shared/messages/problems.js';
import { templateAt } from '../../../shared/messages/say.js';
import i18next from 'i18next';
import { CATALOGUES } from '../../../renderer/src/i18n/catalogues.js';
import { LocalHost } from '../host/local.js';
import { canonicalPaths } from '../libvirt/canonical.js';
import { makeCorpus, qemuImg, type Corpus } from './corpus.test-support.js';
import { errnoValues } from './read.js';
import { scanPaths } from './scan.js';

let corpus: Corpus;
let extra: string;
let said: (Problem | LibvirtProblem | Forest['errors'][number])[];
let skipped: Forest['skipped'];

/** The window's catalogues, with the window's interpolation (renderer/src/i18n/index.ts: React escapes, i18next does not). */
const i18n = i18next.createInstance();
void i18n.init({ resources: CATALOGUES, fallbackLng: 'en', ns: Object.keys(CATALOGUES.en), interpolation: { escapeValue: false }, initAsync: false });

/** A domain of made-up disks and snapshots over the corpus's images, each at odds with them. */
function disagreeingDomain(at: (name: string) => string): Domain {
  const disk = (target: string, chain: string[]): Domain['disks'][number] => ({
    target,
    device: 'disk',
    type: 'file',
    format: 'qcow2',
    activePath: chain[0]!,
    chain,
    readonly: false,
    shareable: false,
    snapshot: null,
    xml: '',
  });
  const snapshot = (name: string, disks: Domain['snapshots'][number]['disks'], memoryFile: string | null = null): Domain['snapshots'][number] => ({
    name,
    description: null,
    parent: null,
    state: 'disk-snapshot',
    createdAt: '2026-01-01T00:00:00Z',
    current: false,
    memory: memoryFile === null ? 'no' : 'external',
    memoryFile,
    disks,
    stateFiles: [],
    otherBranch: false,
    problems: [],
  });
  return {
    name: 'disagrees',
    uuid: '00000000-0000-0000-0000-000000000000',
    display: false,
    state: 'shut off',
    stateReason: null,
    persistent: true,
    // absolute.qcow2's header names base.qcow2; base.qcow2's names nothing.
    disks: [disk('vda', [at('absolute.qcow2'), at('snapshots.qcow2')]), disk('vdb', [at('base.qcow2'), at('base.raw')])],
    snapshots: [
      snapshot('overlay gone', [{ target: 'vda', snapshot: 'external', file: at('gone-overlay.qcow2') }]),
      snapshot('backing gone', [{ target: 'vda', snapshot: 'external', file: at('missing-backing.qcow2') }]),
      snapshot('left the chain', [{ target: 'vdb', snapshot: 'external', file: at('absolute.qcow2') }]),
      snapshot('no such internal', [{ target: 'vda', snapshot: 'internal', file: null }]),
      snapshot('memory gone', [], at('gone.mem')),
    ],
    problems: [],
  };
}

beforeAll(async () => {
  corpus = makeCorpus();
  extra = mkdtempSync(join(tmpdir(), 'snaptree-problem-keys-'));
  const img = (name: string): string => join(extra, name);
  execFileSync('mkfifo', [img('fifo')]);
  writeFileSync(img('a-file'), '');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'fifo', '-F', 'qcow2', img('on-fifo.qcow2'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'a-file/base.qcow2', '-F', 'qcow2', img('under-a-file.qcow2'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${img('data.raw')}`, img('data-gone.qcow2'), '1M');
  unlinkSync(img('data.raw'));
  qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', img('extent-gone.vmdk'), '1M');
  unlinkSync(img('extent-gone-flat.vmdk'));
  // Entries the walk skips: the FIFO above, and links that lead nowhere, to each other, to a FIFO, under a file, back up.
  mkdirSync(img('links'));
  symlinkSync('nowhere.qcow2', img('links/dangling.qcow2'));
  symlinkSync('loop-b.qcow2', img('links/loop-a.qcow2'));
  symlinkSync('loop-a.qcow2', img('links/loop-b.qcow2'));
  symlinkSync('../fifo', img('links/to-fifo.qcow2'));
  symlinkSync('../a-file/base.qcow2', img('links/under-a-file.qcow2'));
  symlinkSync('..', img('links/up'));
  // One file by two paths whose folders lead its backing name to two files.
  mkdirSync(img('two'));
  qemuImg('create', '-q', '-f', 'qcow2', img('base.qcow2'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', img('two/base.qcow2'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', img('two/top.qcow2'));
  symlinkSync('two/top.qcow2', img('two-link.qcow2'));
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'base-12:30.qcow2', '-F', 'qcow2', img('on-colon.qcow2'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'json:{"file":{"filename":"/a"},"file":{"filename":"/b"}}', '-F', 'qcow2', img('on-bad-json.qcow2'), '1M');

  const forest = await scanPaths(new LocalHost(), [corpus.folder, extra, img('nowhere'), img('fifo'), join(img('a-file'), 'below')]);
  skipped = forest.skipped;
  const connection: Connection = {
    uri: 'qemu:///system',
    reachable: true,
    error: null,
    libvirtVersion: null,
    hypervisor: null,
    hypervisorVersion: null,
    externalSnapshotRevert: null,
    domains: [disagreeingDomain(corpus.at)],
  };
  const linked = linkInventory(forest.images, [connection], canonicalPaths());
  const domains = linked.connections.flatMap((linkedConnection) => linkedConnection.domains);
  said = [...forest.errors, ...linked.images.flatMap((image) => image.problems), ...domains.flatMap((domain) => [...domain.problems, ...domain.snapshots.flatMap((snapshot) => snapshot.problems)])];
}, 120_000);
afterAll(() => {
  corpus?.remove();
  if (extra) rmSync(extra, { recursive: true, force: true });
});

describe('every problem the core sends', () => {
  it('has a key whose English template, filled with its values, is its message', () => {
    expect(said.length).toBeGreaterThan(30);
    for (const problem of said) {
      expect(typeof templateAt(english, problem.key), `no template at ${problem.key}`).toBe('string');
      expect(templateAt(english, problem.key), problem.key).not.toBe(problem.key);
      expect(say(problem.key, problem.values).message, problem.key).toBe(problem.message);
    }
  });

  it('says the same in the window: English word for word, and Chinese with every placeholder and nested word filled in', () => {
    const inEnglish = i18n.getFixedT('en', 'problems');
    const inChinese = i18n.getFixedT('zh-CN', 'problems');
    for (const problem of said) {
      expect(inEnglish(problem.key, problem.values), problem.key).toBe(problem.message);
      expect(i18n.exists(problem.key, { lng: 'zh-CN', ns: 'problems', fallbackLng: [] }), problem.key).toBe(true);
      const chinese = inChinese(problem.key, problem.values);
      expect(chinese, problem.key).not.toMatch(/\{\{|\$t\(/);
      expect(chinese, problem.key).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('covers each sentence the scanner, the reader and the link step say', () => {
    const keys = new Set(said.map((problem) => problem.key));
    for (const key of [
      'image.truncated.empty',
      'image.truncated.structure',
      'image.missingBacking.gone',
      'image.missingBacking.unreachable',
      'image.missingBacking.unknownProtocol',
      'image.missingBacking.badJson',
      'image.backingNotAFile',
      'image.backingLoop.self',
      'image.backingLoop.chain',
      'image.backingAmbiguous.image',
      'image.backingAmbiguous.backing',
      'image.noBackingFormat.known',
      'image.missingDataFile.gone',
      'image.badExtent.gone',
      'image.corrupt',
      'image.dirty',
      'image.encrypted',
      'image.orphanOverlay',
      'image.watchedPath.gone',
      'image.watchedPath.unreachable',
      'image.watchedPath.notAFolder',
      'libvirt.chainMismatch.named',
      'libvirt.chainMismatch.none',
      'libvirt.snapshotFileMissing.overlay',
      'libvirt.snapshotFileMissing.backing',
      'libvirt.snapshotFileMissing.memory',
      'libvirt.staleSnapshot.external',
      'libvirt.staleSnapshot.internal',
    ]) {
      expect(keys, key).toContain(key);
    }
  });
});

describe('every entry the scan skips', () => {
  it('has a key whose English, filled with its values, is its reason, in the window as in the CLI, and whose Chinese is filled in', () => {
    const keys = new Set(skipped.map((entry) => entry.key));
    for (const key of ['notAFile', 'linkNotAFile', 'danglingLink', 'linkLoop', 'linkUnreachable', 'folderAgain']) expect(keys, key).toContain(`image.skipped.${key}`);
    const inEnglish = i18n.getFixedT('en', 'problems');
    const inChinese = i18n.getFixedT('zh-CN', 'problems');
    for (const entry of skipped) {
      expect(say(entry.key, entry.values).message, entry.key).toBe(entry.reason);
      expect(inEnglish(entry.key, entry.values), entry.key).toBe(entry.reason);
      expect(i18n.exists(entry.key, { lng: 'zh-CN', ns: 'problems', fallbackLng: [] }), entry.key).toBe(true);
      const chinese = inChinese(entry.key, entry.values);
      expect(chinese, entry.key).not.toMatch(/\{\{|\$t\(/);
      expect(chinese, entry.key).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('says an unreadable file it leaves out with that file\'s own problem, nested', () => {
    const problem = say('image.unreadable.denied', errnoValues(Object.assign(new Error(), { code: 'EACCES' })));
    const entry = say('image.skipped.unreadable', { ...problem.values, problem: problem.key });
    expect(entry.message).toBe('cannot be read, and its name does not say disk image: Snaptree may not read this file: permission denied (EACCES). Check its permissions.');
    expect(i18n.getFixedT('en', 'problems')(entry.key, entry.values)).toBe(entry.message);
    expect(i18n.getFixedT('zh-CN', 'problems')(entry.key, entry.values)).toBe('无法读取，文件名也不像磁盘镜像：Snaptree 无权读取此文件：权限不足（EACCES）。请检查它的权限。');
  });
});

describe("the system's refusals", () => {
  const refusal = (code: string) => Object.assign(new Error(), { code });

  it('travel as the errno code, which each language names, and a code without words as itself', () => {
    const underAFile = said.filter((problem) => problem.values.errno === 'ENOTDIR').map((problem) => problem.key);
    expect(underAFile).toEqual(expect.arrayContaining(['image.missingBacking.unreachable', 'image.watchedPath.unreachable']));
    const linkUnderFile = skipped.find((entry) => entry.key === 'image.skipped.linkUnreachable');
    expect(linkUnderFile?.values).toEqual({ errno: 'ENOTDIR' });
    expect(linkUnderFile?.reason).toBe('a symbolic link whose target cannot be reached: a part of the path is a file, not a folder (ENOTDIR)');
    const inChinese = i18n.getFixedT('zh-CN', 'problems');
    expect(inChinese(linkUnderFile!.key, linkUnderFile!.values)).toBe('无法访问目标的符号链接：路径中的某一部分是文件，不是文件夹（ENOTDIR）');
    const denied = say('image.unreadable.denied', errnoValues(refusal('EACCES')));
    expect(denied.message).toBe('Snaptree may not read this file: permission denied (EACCES). Check its permissions.');
    expect(inChinese(denied.key, denied.values)).toBe('Snaptree 无权读取此文件：权限不足（EACCES）。请检查它的权限。');
    const other = say('image.unreadable.failed', errnoValues(refusal('EXDEV')));
    expect(other).toMatchObject({ values: { errno: 'other', code: 'EXDEV' }, message: 'The file could not be read: EXDEV.' });
    expect(inChinese(other.key, other.values)).toBe('无法读取此文件：EXDEV。');
  });

  it('are named in Chinese without the English words, for every code there are words for', () => {
    const inChinese = i18n.getFixedT('zh-CN', 'problems');
    for (const [errno, words] of Object.entries(english.image.errno)) {
      if (errno === 'other') continue;
      const english = words.replace(/ \(\w+\)$/, '');
      for (const problem of [...said.filter((candidate) => candidate.values.errno === errno), say('image.watchedPath.unreachable', { errno })]) {
        const chinese = inChinese(problem.key, problem.values);
        expect(chinese, `${problem.key} ${errno}`).toContain(errno);
        expect(chinese, `${problem.key} ${errno}`).not.toContain(english);
        expect(chinese, `${problem.key} ${errno}`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});
