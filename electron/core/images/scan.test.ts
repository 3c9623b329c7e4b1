import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest, Image, ProblemCode } from '../../../shared/images/model.js';
import { LocalHost } from '../host/local.js';
import { DEEP_CHAIN, HOSTILE_NAMES, makeCorpus, type Corpus } from './corpus.test-support.js';
import { scanPaths } from './scan.js';

let corpus: Corpus;
let forest: Forest;
const image = (name: string): Image => {
  const found = forest.images.find((candidate) => candidate.path === corpus.at(name));
  if (!found) throw new Error(`${name} was not in the forest`);
  return found;
};
const codes = (name: string): ProblemCode[] => image(name).problems.map((problem) => problem.code);

beforeAll(async () => {
  corpus = makeCorpus();
  forest = await scanPaths(new LocalHost(), [corpus.folder]);
}, 120_000);
afterAll(() => corpus?.remove());

interface QemuInfo {
  format: string;
  'virtual-size': number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
  'dirty-flag'?: boolean;
  encrypted?: boolean;
  snapshots?: Array<{ id: string; name: string; 'vm-state-size': number; 'date-sec': number; 'date-nsec': number; 'vm-clock-sec': number; 'vm-clock-nsec': number }>;
  'format-specific'?: { data?: { corrupt?: boolean; 'data-file'?: string } };
}

/** qemu-img's own view of one file, or null when it cannot open it. */
async function qemuInfo(path: string): Promise<QemuInfo | null> {
  try {
    const { stdout } = await promisify(execFile)('qemu-img', ['info', '--output=json', '-U', path], { env: { ...process.env, LC_ALL: 'C' } });
    return JSON.parse(stdout) as QemuInfo;
  } catch {
    return null;
  }
}

describe('the scan agrees with qemu-img info on every image of the corpus', () => {
  it('covers the whole corpus', () => {
    expect(forest.images.length).toBeGreaterThan(DEEP_CHAIN + 25);
    expect(forest.errors).toEqual([]);
  });

  it('on format, sizes, backing, snapshots and flags', async () => {
    const disagreements: string[] = [];
    for (const scanned of forest.images) {
      const info = await qemuInfo(scanned.path);
      const name = scanned.path.slice(corpus.root.length);
      if (info === null) {
        // qemu-img cannot open it: the scan must say why, not invent a header.
        if (!scanned.problems.some((p) => ['truncated', 'invalid-header', 'unreadable'].includes(p.code))) disagreements.push(`${name}: qemu-img fails, scan saw no problem`);
        continue;
      }
      const ours = {
        format: scanned.format,
        virtualSize: scanned.virtualSize,
        backingName: scanned.backing?.name ?? null,
        backingPath: scanned.backing?.path ?? null,
        backingFormat: scanned.backing?.format ?? null,
        dirty: scanned.dirty,
        corrupt: scanned.corrupt,
        encrypted: scanned.encrypted,
        dataFile: scanned.dataFile,
        snapshots: scanned.snapshots.map((s) => [s.id, s.name, s.vmStateSize, s.date, s.vmClockNs]),
      };
      const theirs = {
        format: info.format,
        virtualSize: info['virtual-size'],
        backingName: info['backing-filename'] ?? null,
        backingPath: info['full-backing-filename'] ?? null,
        backingFormat: info['backing-filename-format'] ?? null,
        dirty: info['dirty-flag'] ?? false,
        corrupt: info['format-specific']?.data?.corrupt ?? false,
        encrypted: info.encrypted ?? false,
        dataFile: info['format-specific']?.data?.['data-file'] ?? null,
        snapshots: (info.snapshots ?? []).map((s) => [
          s.id,
          s.name,
          s['vm-state-size'],
          new Date(s['date-sec'] * 1000 + Math.floor(s['date-nsec'] / 1e6)).toISOString(),
          s['vm-clock-sec'] * 1e9 + s['vm-clock-nsec'],
        ]),
      };
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagreements.push(`${name}:\n  scan     ${JSON.stringify(ours)}\n  qemu-img ${JSON.stringify(theirs)}`);
    }
    expect(disagreements).toEqual([]);
  }, 120_000);
});

describe('the forest and its problems', () => {
  it('links every overlay to its backing file, also through relative names that climb out', () => {
    expect(image('on-raw.qcow2').backing).toMatchObject({ name: 'base.raw', format: 'raw', exists: true, image: corpus.at('base.raw') });
    expect(image('deep/er/climbing.qcow2').backing).toMatchObject({
      name: '../../base.qcow2',
      path: `${corpus.folder}/deep/er/../../base.qcow2`,
      image: corpus.at('base.qcow2'),
    });
    expect(image('absolute.qcow2').backing?.image).toBe(corpus.at('base.qcow2'));
  });

  it('reads a backing file outside the watched folder so the chain is complete', () => {
    // Named as QEMU names it: the overlay's folder joined with `../outside.qcow2`.
    const outside = forest.images.find((candidate) => candidate.path === `${corpus.folder}/../outside.qcow2`);
    expect(outside).toMatchObject({ folder: null, format: 'qcow2', virtualSize: 32 * 1024 * 1024 });
    expect(image('uses-outside.qcow2').backing?.image).toBe(`${corpus.folder}/../outside.qcow2`);
  });

  it('walks a chain 150 deep from top to base', () => {
    let current: Image | undefined = image(`chain/link-${DEEP_CHAIN}.qcow2`);
    let depth = 0;
    while (current?.backing) {
      const next: string | null = current.backing.image;
      current = forest.images.find((candidate) => candidate.path === next);
      depth++;
    }
    expect(depth).toBe(DEEP_CHAIN);
    expect(current?.path).toBe(corpus.at('chain/link-0.qcow2'));
  });

  it('handles names with spaces, Unicode, quotes, $(...) and a leading dash without running anything', () => {
    for (const name of HOSTILE_NAMES) {
      expect(image(name).backing?.image).toBe(corpus.at('base.qcow2'));
      expect(image(name).problems).toEqual([]);
    }
    expect(image('on-hostile.qcow2').backing?.image).toBe(corpus.at(HOSTILE_NAMES[3]!));
    expect(existsSync(corpus.at('pwned'))).toBe(false);
  });

  it('marks a missing backing file, a two-image loop and a self-loop', () => {
    expect(codes('missing-backing.qcow2')).toContain('missing-backing');
    expect(image('missing-backing.qcow2').backing).toMatchObject({ exists: false, image: null, path: corpus.at('gone.qcow2') });
    expect(codes('loop-a.qcow2')).toContain('backing-loop');
    expect(codes('loop-b.qcow2')).toContain('backing-loop');
    expect(image('loop-a.qcow2').problems.find((p) => p.code === 'backing-loop')?.message).toContain('loop-a.qcow2 → loop-b.qcow2 → loop-a.qcow2');
    expect(codes('self-loop.qcow2')).toEqual(['backing-loop']);
    expect(image('self-loop.qcow2').problems[0]?.message).toContain('names itself');
  });

  it('names backing format problems', () => {
    expect(codes('format-mismatch.qcow2')).toEqual(['backing-format-mismatch']);
    expect(codes('no-backing-format.qcow2')).toEqual(['no-backing-format']);
    expect(image('no-backing-format.qcow2').backing).toMatchObject({ format: null, exists: true });
    expect(codes('compat-0.10.qcow2')).toEqual([]);
    expect(image('compat-0.10.qcow2').qcow2?.version).toBe(2);
  });

  it('names dirty, corrupt and encrypted images', () => {
    expect(codes('dirty.qcow2')).toEqual(['dirty']);
    expect(codes('corrupt.qcow2')).toEqual(['corrupt']);
    expect(codes('encrypted.qcow2')).toEqual(['encrypted']);
    expect(image('encrypted.qcow2').qcow2?.cryptMethod).toBe('luks');
    expect(codes('plain.luks')).toEqual(['encrypted']);
  });

  it('keeps duplicate internal snapshot names apart by id', () => {
    expect(image('snapshots.qcow2').snapshots.map((s) => [s.id, s.name])).toEqual([
      ['1', 'first'],
      ['2', 'second one'],
      ['3', 'first'],
    ]);
  });

  it('shows an external data file and the raw file it points to', () => {
    expect(image('with-data-file.qcow2')).toMatchObject({ dataFile: 'data-file.raw', problems: [] });
    expect(image('data-file.raw').format).toBe('raw');
    expect(image('with-data-file.qcow2').qcow2?.features).toContain('external data file');
  });

  it('reads other formats through qemu-img: vmdk', () => {
    expect(image('disk.vmdk')).toMatchObject({ format: 'vmdk', virtualSize: 16 * 1024 * 1024, problems: [] });
  });

  it('turns empty and truncated files into problems', () => {
    expect(codes('empty.img')).toEqual(['truncated']);
    expect(codes('cut-at-50.qcow2')).toEqual(['truncated', 'invalid-header']);
    expect(image('cut-at-50.qcow2').virtualSize).toBeNull();
    expect(codes('cut-at-1000.qcow2')).toEqual(['truncated']);
    expect(image('cut-at-1000.qcow2').problems[0]?.message).toContain('cut short');
    expect(image('cut-at-1000.qcow2').virtualSize).toBe(64 * 1024 * 1024);
  });

  it('leaves files that are not images out, and survives a symlink loop', () => {
    expect(forest.images.some((candidate) => candidate.path.endsWith('notes.txt'))).toBe(false);
    expect(forest.images.filter((candidate) => candidate.path.includes('back-up'))).toEqual([]);
    expect(forest.skipped).toEqual([
      {
        path: corpus.at('deep/back-up'),
        reason: `a folder already scanned as ${corpus.folder} (a link loop or a second way to it)`,
        key: 'image.skipped.folderAgain',
        values: { first: corpus.folder },
      },
    ]);
  });
});
