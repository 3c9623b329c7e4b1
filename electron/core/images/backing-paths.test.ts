import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest, Image } from '../../../shared/images/model.js';
import { BLOCKING } from '../../../shared/images/problems.js';
import { LocalHost } from '../host/local.js';
import { qemuImg } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

/**
 * Backing and data file names the way QEMU follows them: the overlay's folder joined
 * with the name, and the kernel walking that path (symlinks before `..`). Laid out as
 *
 *   real/base.qcow2, real/data.raw, real/sub/   files behind a symlinked folder
 *   vm/link -> ../real/sub                      so vm/link/.. is real/, not vm/
 *   vm/base.qcow2                               a different file where textual `..` removal lands
 *   notes.txt                                   a file some names use as a folder
 */
let root: string;
let vm: string;
let forest: Forest;

const image = (path: string): Image => {
  const found = forest.images.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`${path} was not in the forest`);
  return found;
};
/** Not path.join, which would take `..` out of the names under test. */
const inVm = (name: string): string => `${vm}/${name}`;
const overlay = (path: string, backing: string, ...options: string[]): void => {
  qemuImg('create', '-q', '-f', 'qcow2', ...options, '-b', backing, '-F', 'qcow2', path, '16M');
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'snaptree-backing-paths-'));
  vm = join(root, 'vm');
  mkdirSync(join(root, 'real', 'sub'), { recursive: true });
  mkdirSync(vm);
  symlinkSync('../real/sub', inVm('link'));
  writeFileSync(join(root, 'notes.txt'), 'not a folder\n');

  qemuImg('create', '-q', '-f', 'qcow2', join(root, 'real', 'base.qcow2'), '16M');
  qemuImg('create', '-q', '-f', 'qcow2', inVm('base.qcow2'), '16M');
  overlay(inVm('link/top.qcow2'), '../base.qcow2');
  // The same base by another path that is not normalised either.
  overlay(inVm('beside.qcow2'), '../real/base.qcow2');
  // A loop whose names climb through the symlinked folder.
  overlay(inVm('link/loop-a.qcow2'), '../sub/loop-b.qcow2', '-u');
  overlay(inVm('link/loop-b.qcow2'), '../sub/loop-a.qcow2', '-u');
  // qemu-img creates a relative data file name in its working directory (reference §1.6).
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'data_file=../data.raw,data_file_raw=on', 'with-data-file.qcow2', '16M'], { cwd: inVm('link') });

  // Names that lead through a regular file: stat fails with ENOTDIR, not ENOENT.
  overlay(inVm('through-a-file.qcow2'), '../notes.txt/base.qcow2', '-u');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'data_file=renamed.raw,data_file_raw=on', 'data-through-a-file.qcow2', '16M'], { cwd: vm });
  execFileSync('qemu-img', ['amend', '-f', 'qcow2', '-o', 'data_file=../notes.txt/data.raw', 'data-through-a-file.qcow2'], { cwd: vm });

  // Backing names that lead to things that are no image file, and QEMU protocol strings.
  execFileSync('mkfifo', [join(root, 'pipe')]);
  overlay(inVm('on-a-fifo.qcow2'), '../pipe', '-u');
  overlay(inVm('on-a-folder.qcow2'), '../real', '-u');
  overlay(inVm('on-a-char-device.qcow2'), '/dev/null', '-u');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'nbd://127.0.0.1:10809/x', '-F', 'raw', inVm('on-nbd.qcow2'), '1M');
  const json = `json:{"driver":"qcow2","file":{"driver":"file","filename":"${join(root, 'real', 'base.qcow2')}"}}`;
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', json, '-F', 'qcow2', inVm('on-json.qcow2'), '1M');

  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', `file:${join(root, 'real', 'base.qcow2')}`, '-F', 'qcow2', inVm('on-file-protocol.qcow2'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'json:{"file":{"driver":"file","filename":"relative.qcow2"}}', '-F', 'qcow2', inVm('on-relative-json.qcow2'), '1M');

  forest = await scanPaths(new LocalHost(), [vm]);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a backing name that climbs out of a symlinked folder', () => {
  it('is the file QEMU opens, not the one textual `..` removal names', () => {
    const chain = execFileSync('qemu-img', ['info', '--backing-chain', '--output=json', inVm('link/top.qcow2')], { encoding: 'utf8' });
    expect((JSON.parse(chain) as Array<{ filename: string }>).map((layer) => layer.filename)).toEqual([inVm('link/top.qcow2'), inVm('link/../base.qcow2')]);

    const top = image(inVm('link/top.qcow2'));
    expect(top.problems).toEqual([]);
    expect(top.backing).toMatchObject({ path: inVm('link/../base.qcow2'), exists: true });
    expect(image(top.backing!.image!)).toMatchObject({ folder: null, format: 'qcow2' });
  });

  it('is one image however many paths lead to it, named by the first path in order', () => {
    // beside.qcow2 comes before link/top.qcow2, so its name for the base is kept.
    const base = inVm('../real/base.qcow2');
    expect(image(inVm('beside.qcow2')).backing?.image).toBe(base);
    expect(image(inVm('link/top.qcow2')).backing?.image).toBe(base);
    expect(forest.images.filter((candidate) => candidate.folder === null).map((candidate) => candidate.path)).toEqual([base]);
  });

  it('still closes a loop', () => {
    for (const name of ['link/loop-a.qcow2', 'link/loop-b.qcow2']) expect(image(inVm(name)).problems.map((problem) => problem.code)).toEqual(['backing-loop']);
    expect(forest.images.filter((candidate) => candidate.path.includes('loop-'))).toHaveLength(2);
  });

  it('finds a data file the same way', () => {
    expect(image(inVm('link/with-data-file.qcow2')).problems).toEqual([]);
  });
});

describe('a name that leads through a regular file', () => {
  it('is a missing backing file that says why, and the rest is still scanned', () => {
    const problems = image(inVm('through-a-file.qcow2')).problems;
    expect(problems.map((problem) => problem.code)).toEqual(['missing-backing']);
    expect(problems[0]?.message).toContain('ENOTDIR');
    expect(image(inVm('base.qcow2')).problems).toEqual([]);
  });

  it('is a missing data file that says why', () => {
    const problems = image(inVm('data-through-a-file.qcow2')).problems;
    expect(problems.map((problem) => problem.code)).toEqual(['missing-data-file']);
    expect(problems[0]?.message).toContain('ENOTDIR');
  });
});

describe('a backing name that leads to something that is no image file', () => {
  const problemOf = (name: string) => {
    const { problems, backing } = image(inVm(name));
    expect(backing).toMatchObject({ exists: false, image: null });
    expect(problems.map((problem) => problem.code)).toEqual(['backing-not-a-file']);
    return problems[0]!.message;
  };

  it('says it is a FIFO, a folder or a device, not that it does not exist', () => {
    expect(problemOf('on-a-fifo.qcow2')).toBe(
      `The backing file "../pipe" (${inVm('../pipe')}) is a FIFO (named pipe), not an image file: this image cannot be opened until the path leads to its backing image or the image is rebased.`,
    );
    expect(problemOf('on-a-folder.qcow2')).toContain('is a folder, not an image file');
    expect(problemOf('on-a-char-device.qcow2')).toContain('"/dev/null" (/dev/null) is a character device, not an image file');
    expect(forest.skipped).toEqual([]);
  });
});

describe('a backing name that is a QEMU protocol string', () => {
  it('that names a local file outright (file:/…, json: with the file driver) links to that file, which its overlay needs', () => {
    for (const name of ['on-file-protocol.qcow2', 'on-json.qcow2']) {
      const { problems, backing } = image(inVm(name));
      expect(backing, name).toMatchObject({ path: join(root, 'real', 'base.qcow2'), exists: true });
      // The image, named by whichever path reached it first (another overlay's `../real/…`).
      expect(realpathSync(backing!.image!), name).toBe(join(root, 'real', 'base.qcow2'));
      expect(problems, name).toEqual([]);
    }
  });

  it('is named as one, not as a missing file, and does not block', () => {
    for (const [name, protocol] of [['on-nbd.qcow2', 'nbd'], ['on-relative-json.qcow2', 'json']] as const) {
      const { problems, backing } = image(inVm(name));
      expect(backing).toMatchObject({ exists: false, image: null });
      expect(backing?.path).toBe(backing?.name);
      expect(problems.map((problem) => problem.code)).toEqual(['protocol-backing']);
      expect(BLOCKING.has('protocol-backing')).toBe(false);
      expect(problems[0]?.message).toContain(`is a QEMU protocol string (${protocol}:…)`);
      expect(problems[0]?.message).toContain('Snaptree does not follow such backings');
    }
  });
});

describe('a file reached by two paths whose folders lead its relative backing name to different files', () => {
  let two: string;
  let scanned: Forest;
  beforeAll(async () => {
    // QEMU opens sub/top.qcow2 on sub/base.qcow2, and the same file as top-link.qcow2 on ./base.qcow2.
    two = mkdtempSync(join(tmpdir(), 'snaptree-two-paths-'));
    mkdirSync(join(two, 'sub'));
    qemuImg('create', '-q', '-f', 'qcow2', join(two, 'base.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', join(two, 'sub', 'base.qcow2'), '16M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(two, 'sub', 'top.qcow2'));
    symlinkSync('sub/top.qcow2', join(two, 'top-link.qcow2'));
    // A link beside its target leads the name to the same file: one chain, nothing to say.
    symlinkSync('top.qcow2', join(two, 'sub', 'same-folder-link.qcow2'));
    scanned = await scanPaths(new LocalHost(), [two]);
  });
  afterAll(() => rmSync(two, { recursive: true, force: true }));
  const at = (path: string) => scanned.images.find((candidate) => candidate.path === join(two, path));

  it('says so on the image, naming the other path and the file its name leads to from there, and blocks', () => {
    const shown = scanned.images.filter((candidate) => realpathSync(candidate.path) === join(realpathSync(two), 'sub', 'top.qcow2'));
    expect(shown).toHaveLength(1);
    const [problem, ...others] = shown[0]!.problems;
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ code: 'backing-ambiguous', key: 'image.backingAmbiguous.image', values: { name: 'base.qcow2' } });
    expect(BLOCKING.has('backing-ambiguous')).toBe(true);
  });

  it('marks both backing files, so that neither looks unused: the one the shown name reaches has the image on it, the other says whose it is', () => {
    const shown = scanned.images.find((candidate) => candidate.problems.some((problem) => problem.key === 'image.backingAmbiguous.image'))!;
    const reached = shown.backing!.image!;
    const other = [join(two, 'base.qcow2'), join(two, 'sub', 'base.qcow2')].find((path) => path !== reached)!;
    expect(shown.problems[0]!.values).toMatchObject({ other });
    expect(at(other === join(two, 'base.qcow2') ? 'base.qcow2' : 'sub/base.qcow2')?.problems).toMatchObject([{ code: 'backing-ambiguous', key: 'image.backingAmbiguous.backing' }]);
  });
});

describe('a relative backing name with a colon before any slash', () => {
  it('is a protocol to QEMU, one it does not know: the image cannot be opened, as qemu-io finds, and the problem blocks', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'snaptree-colon-'));
    try {
      qemuImg('create', '-q', '-f', 'qcow2', join(folder, 'base-12:30.qcow2'), '16M');
      qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'base-12:30.qcow2', '-F', 'qcow2', join(folder, 'top.qcow2'), '16M');
      const opened = spawnSync('qemu-io', ['-r', '-c', 'read 0 512', '--', join(folder, 'top.qcow2')], { encoding: 'utf8' });
      expect(opened.status).not.toBe(0);
      expect(opened.stderr).toContain("Unknown protocol 'base-12'");
      const scanned = await scanPaths(new LocalHost(), [folder]);
      const top = scanned.images.find((candidate) => candidate.path === join(folder, 'top.qcow2'))!;
      expect(top.problems).toMatchObject([{ code: 'missing-backing', key: 'image.missingBacking.unknownProtocol', values: { name: 'base-12:30.qcow2', protocol: 'base-12' } }]);
      expect(BLOCKING.has('missing-backing')).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a json: backing name, parsed as QEMU parses it', () => {
  it('in single quotes is followed to its file, as QEMU opens it; one that names a key twice cannot be opened, in QEMU as here', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'snaptree-json-'));
    try {
      const base = join(folder, 'base.qcow2');
      qemuImg('create', '-q', '-f', 'qcow2', base, '16M');
      qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', `json:{'file':{'driver':'file','filename':'${base}'}}`, '-F', 'qcow2', join(folder, 'single.qcow2'), '16M');
      qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', `json:{"file":{"filename":"/nonexistent.qcow2"},"file":{"filename":"${base}"}}`, '-F', 'qcow2', join(folder, 'twice.qcow2'), '16M');
      const opens = (name: string) => spawnSync('qemu-io', ['-r', '-c', 'read 0 512', '--', join(folder, name)], { encoding: 'utf8' });
      expect(opens('single.qcow2').status).toBe(0);
      expect(opens('twice.qcow2').stderr).toContain('duplicate key');
      const scanned = await scanPaths(new LocalHost(), [folder]);
      const at = (name: string) => scanned.images.find((candidate) => candidate.path === join(folder, name))!;
      expect(at('single.qcow2')).toMatchObject({ problems: [], backing: { image: base, exists: true } });
      expect(at('twice.qcow2').problems).toMatchObject([{ code: 'missing-backing', key: 'image.missingBacking.badJson' }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
