/**
 * The header reader against QEMU itself: thousands of mutants of real images (bit flips
 * and boundary values in the header, its extensions, the backing name and the snapshot
 * table; cuts), each read by Snaptree and by `qemu-img info` on this machine. Plans will
 * write to images on the strength of what the reader says, so on every file QEMU opens
 * the reader must see the same image, and on every file QEMU refuses it must say so.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePath } from '../../../shared/images/path-bytes.js';
import { rawVirtualSize } from '../../../shared/images/raw.js';
import { mapLimit } from '../map-limit.js';
import { LocalHost } from '../host/local.js';
import { random } from './random.test-support.js';
import { readImage } from './read.js';
import { scanPaths } from './scan.js';

/** Fixed, so that CI always runs the same corpus; set them to explore further. */
const MUTANTS = Number(process.env.SNAPTREE_MUTANTS ?? 3000);
const SEED = Number(process.env.SNAPTREE_MUTATION_SEED ?? 20261201);

interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Byte ranges worth aiming at: header, extensions and backing name, snapshot table. */
  readonly regions: ReadonlyArray<readonly [start: number, end: number]>;
}

/** Header fields by offset and width, for boundary values. */
const FIELDS: ReadonlyArray<readonly [offset: number, width: 1 | 2 | 4 | 8]> = [
  [4, 4], [8, 8], [16, 4], [20, 4], [24, 8], [32, 4], [36, 4], [40, 8], [48, 8], [56, 4], [60, 4], [64, 8],
  [72, 8], [80, 8], [88, 8], [96, 4], [100, 4], [104, 1],
];
const SNAPSHOT_FIELDS: ReadonlyArray<readonly [offset: number, width: 1 | 2 | 4 | 8]> = [
  [0, 8], [8, 4], [12, 2], [14, 2], [16, 4], [20, 4], [24, 8], [32, 4], [36, 4], [40, 8], [48, 8], [56, 8],
];

function boundary(width: number, next: () => number): bigint {
  const max = (1n << BigInt(width * 8)) - 1n;
  const values = [0n, 1n, max, max >> 1n, (max >> 1n) + 1n, 7n, 8n, 9n, 16n, 22n, 104n, 512n, 1023n, 1024n, 65535n, 65536n, 1n << 30n, 1n << 31n, 1n << 62n];
  return values[Math.floor(next() * values.length)]! & max;
}

function put(bytes: Uint8Array, offset: number, width: number, value: bigint): void {
  for (let i = width - 1; i >= 0 && offset + i < bytes.length; i--, value >>= 8n) {
    if (offset + i >= 0) bytes[offset + i] = Number(value & 0xffn);
  }
}

function mutate(seed: Seed, next: () => number): Uint8Array {
  const bytes = Uint8Array.from(seed.bytes);
  const edits = 1 + Math.floor(next() * 4);
  const snapshotsOffset = Number(new DataView(seed.bytes.buffer, seed.bytes.byteOffset).getBigUint64(64));
  for (let i = 0; i < edits; i++) {
    const kind = next();
    if (kind < 0.35) {
      const [offset, width] = FIELDS[Math.floor(next() * FIELDS.length)]!;
      put(bytes, offset, width, boundary(width, next));
    } else if (kind < 0.45 && snapshotsOffset > 0) {
      const [offset, width] = SNAPSHOT_FIELDS[Math.floor(next() * SNAPSHOT_FIELDS.length)]!;
      put(bytes, snapshotsOffset + offset, width, boundary(width, next));
    } else {
      const [start, end] = seed.regions[Math.floor(next() * seed.regions.length)]!;
      const at = start + Math.floor(next() * (end - start));
      if (at < bytes.length) bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8));
    }
  }
  if (next() < 0.05) return bytes.subarray(0, Math.floor(next() * Math.min(bytes.length, 4096)));
  return bytes;
}

/** What `qemu-img info` says of a file: the image it opened, or why it would not. */
type Verdict =
  | { kind: 'opened'; format: string; virtualSize: number; backingName: string | null; backingFormat: string | null; snapshots: string[] }
  | { kind: 'refused'; reason: string }
  | { kind: 'crashed'; reason: string }
  | { kind: 'deferred'; format: string };

function qemuImgInfo(path: string): Promise<Verdict> {
  return new Promise((resolve) => {
    execFile('qemu-img', ['info', '--output=json', '-U', path], { env: { ...process.env, LC_ALL: 'C' }, timeout: 10_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error === null) {
        const info = JSON.parse(stdout) as Record<string, unknown>;
        resolve({
          kind: 'opened',
          format: info['format'] as string,
          virtualSize: info['virtual-size'] as number,
          backingName: (info['backing-filename'] as string | undefined) ?? null,
          backingFormat: (info['backing-filename-format'] as string | undefined) ?? null,
          snapshots: ((info['snapshots'] as { name: string }[] | undefined) ?? []).map((snapshot) => snapshot.name),
        });
      } else if (error.code === 1) {
        // The first line is the reason; a hint may follow ("You can force-remove …").
        resolve({ kind: 'refused', reason: stderr.trim().replace(/^qemu-img: Could not open '[^']*': /, '').split('\n')[0]! });
      } else {
        resolve({ kind: 'crashed', reason: `${error.signal ?? error.code}: ${stderr.trim()}` });
      }
    });
  });
}

/**
 * The reader keeps a name's bytes exactly (bytes that are not UTF-8 as U+DC80…, so that
 * the name still leads to its file); QEMU's JSON writes one U+FFFD for each invalid
 * sequence, as a WHATWG decoder does. The reader's name is compared in QEMU's terms.
 */
const inQemuJson = (name: string | null): string | null => (name === null ? null : new TextDecoder().decode(encodePath(name)));

/** What Snaptree's reader says of the same file, in the verdict's terms. */
function snaptreeVerdict(path: string): Verdict {
  const outcome = readImage(path);
  if (outcome.kind !== 'image') return { kind: 'refused', reason: outcome.kind === 'unreadable' ? outcome.problem.message : 'gone' };
  const { image } = outcome;
  // Formats the reader does not decode are described by qemu-img itself in a scan.
  if (image.format !== 'qcow2' && image.format !== 'raw') return { kind: 'deferred', format: image.format };
  // Damage QEMU reads through (a table past the end of the file reads as zeros) is a
  // problem of its own; only a refusal stands for QEMU's.
  const refusal = image.readProblems.find((problem) => problem.code === 'invalid-header');
  if (refusal !== undefined) return { kind: 'refused', reason: refusal.message };
  return {
    kind: 'opened',
    format: image.format,
    virtualSize: image.qcow2?.virtualSize ?? rawVirtualSize(image.fileSize),
    backingName: inQemuJson(image.qcow2?.backingFile ?? null),
    backingFormat: image.qcow2?.backingFile ? (image.qcow2.backingFormat ?? null) : null,
    snapshots: image.snapshots.map((snapshot) => snapshot.name),
  };
}

let dir: string;
const seeds: Seed[] = [];

function makeSeed(name: string, create: string[], size: string | null, extra: (path: string) => void = () => {}): void {
  const path = join(dir, name);
  execFileSync('qemu-img', ['create', '-q', ...create, path, ...(size === null ? [] : [size])], { cwd: dir });
  extra(path);
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const backingEnd = Number(view.getBigUint64(8)) + view.getUint32(16);
  const snapshotsOffset = Number(view.getBigUint64(64));
  const regions: Array<readonly [number, number]> = [[0, 112], [112, Math.max(backingEnd, 600)]];
  if (snapshotsOffset > 0) regions.push([snapshotsOffset, Math.min(bytes.length, snapshotsOffset + 256)]);
  seeds.push({ name, bytes, regions });
}

const writeData = (path: string): void => {
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 256k', '-c', 'write -P 0xa5 1M 64k', path]);
};
const snapshot = (...names: string[]) => (path: string): void => {
  writeData(path);
  for (const name of names) execFileSync('qemu-img', ['snapshot', '-c', name, path]);
};

const mutants: { path: string; seed: string }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-agreement-'));
  makeSeed('base.qcow2', ['-f', 'qcow2', '-o', 'cluster_size=4096'], '8M', writeData);
  makeSeed('snapshots.qcow2', ['-f', 'qcow2', '-o', 'cluster_size=4096'], '8M', snapshot('one', 'second snapshot', 'três'));
  makeSeed('overlay.qcow2', ['-f', 'qcow2', '-o', 'cluster_size=4096', '-b', 'base.qcow2', '-F', 'qcow2'], null, writeData);
  makeSeed('v2.qcow2', ['-f', 'qcow2', '-o', 'compat=0.10,cluster_size=4096', '-b', 'base.qcow2', '-F', 'qcow2'], null, snapshot('v2-snap'));
  makeSeed('zstd.qcow2', ['-f', 'qcow2', '-o', 'compression_type=zstd,extended_l2=on,lazy_refcounts=on,cluster_size=16384'], '8M', writeData);
  makeSeed('datafile.qcow2', ['-f', 'qcow2', '-o', 'data_file=ext.raw,cluster_size=4096'], '1M');
  makeSeed('big-clusters.qcow2', ['-f', 'qcow2', '-o', 'cluster_size=65536', '-b', 'snapshots.qcow2', '-F', 'qcow2'], null, snapshot('only'));
  const next = random(SEED);
  for (let i = 0; i < MUTANTS; i++) {
    const seed = seeds[i % seeds.length]!;
    const path = join(dir, `mutant-${i}-${seed.name}`);
    writeFileSync(path, mutate(seed, next));
    mutants.push({ path, seed: seed.name });
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the reader agrees with qemu-img', () => {
  it(`on ${MUTANTS} mutants of real images: what QEMU opens reads the same, what QEMU refuses is blocked`, async () => {
    const verdicts = await mapLimit(mutants, 2, async ({ path }) => ({ path, qemu: await qemuImgInfo(path), snaptree: snaptreeVerdict(path) }));
    const crashed = verdicts.filter(({ qemu }) => qemu.kind === 'crashed');
    const disagreements = verdicts.filter(({ qemu, snaptree }) => {
      if (qemu.kind === 'crashed') return false;
      if (snaptree.kind === 'deferred') return qemu.kind === 'opened' && qemu.format !== snaptree.format;
      // Refused, and for QEMU's reason: the user reads what QEMU would tell them.
      if (qemu.kind === 'refused') return snaptree.kind !== 'refused' || !snaptree.reason.includes(qemu.reason);
      return snaptree.kind !== 'opened' || JSON.stringify(qemu) !== JSON.stringify(snaptree);
    });
    if (crashed.length > 0) console.log(`qemu-img itself crashed or hung on ${crashed.length} mutants (not compared):`, crashed.slice(0, 3));
    const refused = verdicts.filter(({ qemu }) => qemu.kind === 'refused').length;
    // A corpus that QEMU mostly refuses (or mostly opens) would prove little either way.
    expect(refused).toBeGreaterThan(MUTANTS / 10);
    expect(verdicts.length - refused - crashed.length).toBeGreaterThan(MUTANTS / 3);
    // Grouped by what QEMU said, one example each, so that a failure reads as a list of causes.
    const byCause = new Map<string, { count: number; example: (typeof disagreements)[number] }>();
    for (const disagreement of disagreements) {
      const cause = disagreement.qemu.kind === 'refused' ? `QEMU refuses: ${disagreement.qemu.reason.replace(/\d+/g, 'N')}` : `QEMU opens, Snaptree ${disagreement.snaptree.kind === 'refused' ? disagreement.snaptree.reason.replace(/\d+/g, 'N').slice(0, 80) : 'reads otherwise'}`;
      const entry = byCause.get(cause);
      byCause.set(cause, { count: (entry?.count ?? 0) + 1, example: entry?.example ?? disagreement });
    }
    expect(Object.fromEntries(byCause)).toEqual({});
  }, 300_000);
});

/** Writes big-endian `value` over `width` bytes at `offset` of a copy of a seed. */
function poked(seedName: string, ...edits: ReadonlyArray<readonly [offset: number, width: number, value: bigint | number]>): Uint8Array {
  const bytes = Uint8Array.from(seeds.find((seed) => seed.name === seedName)!.bytes);
  for (const [offset, width, value] of edits) put(bytes, offset, width, BigInt(value));
  return bytes;
}

const u32At = (bytes: Uint8Array, offset: number): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(offset);
const u64At = (bytes: Uint8Array, offset: number): number => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(offset));

describe('the reader agrees with qemu-img on what a hostile header does', () => {
  const overlay = (): Uint8Array => seeds.find((seed) => seed.name === 'overlay.qcow2')!.bytes;
  const withSnapshots = (): Uint8Array => seeds.find((seed) => seed.name === 'snapshots.qcow2')!.bytes;
  const cases: ReadonlyArray<readonly [story: string, bytes: () => Uint8Array, expected: Partial<Verdict>]> = [
    // qemu-img info 7.2 crashes on this one (SIGSEGV); qemu-io, opening it as a guest would, refuses it.
    ['crypt_method 2 (LUKS) without its LUKS header is refused', () => poked('base.qcow2', [32, 4, 2]), { kind: 'crashed' }],
    ['crypt_method 3 is refused', () => poked('base.qcow2', [32, 4, 3]), { kind: 'refused', reason: 'Unsupported encryption method 3' }],
    ['an L1 table of 0 entries is refused', () => poked('base.qcow2', [36, 4, 0]), { kind: 'refused', reason: 'L1 table is too small' }],
    ['a disk too big for its L1 table is refused', () => poked('base.qcow2', [24, 8, 1n << 50n]), { kind: 'refused' }],
    ['a refcount table at an offset inside a cluster is refused', () => poked('base.qcow2', [48, 8, 4097]), { kind: 'refused', reason: 'Reference count table offset invalid' }],
    ['an unknown compression type is refused', () => poked('zstd.qcow2', [104, 1, 7]), { kind: 'refused', reason: 'qcow2: unknown compression type: 7' }],
    ['an extension longer than the space before the backing name is refused', () => poked('overlay.qcow2', [116, 4, 0x1000]), { kind: 'refused', reason: 'Header extension too large' }],
    [
      'extensions end where the backing name starts, not at the end marker',
      // The backing name "base." written at the bfmt extension's end, over the feature
      // table's start: QEMU stops reading extensions there, and so must the reader.
      () => poked('overlay.qcow2', [8, 8, 128], [16, 4, 5], [128, 5, 0x626173652en]),
      { kind: 'opened', backingName: 'base.', backingFormat: 'qcow2' },
    ],
    [
      'a backing name padded with NULs is the part before the first NUL',
      () => {
        const bytes = Uint8Array.from(overlay());
        put(bytes, 16, 4, BigInt(u32At(bytes, 16) + 3));
        bytes.fill(0, u64At(bytes, 8) + u32At(bytes, 16) - 3, u64At(bytes, 8) + u32At(bytes, 16));
        return bytes;
      },
      { kind: 'opened', backingName: 'base.qcow2' },
    ],
    ['a backing name of zero bytes is no backing file', () => poked('overlay.qcow2', [16, 4, 0]), { kind: 'opened', backingName: null, backingFormat: null }],
    [
      'a snapshot table past the end of the file lists nameless snapshots',
      () => poked('snapshots.qcow2', [64, 8, (withSnapshots().length + 4096 * 4) & ~4095]),
      { kind: 'opened', snapshots: ['', '', ''] },
    ],
    [
      'a snapshot name of 0xffff bytes is read, the file past its end as zeros',
      () => poked('snapshots.qcow2', [u64At(withSnapshots(), 64) + 14, 2, 0xffff], [60, 4, 1]),
      { kind: 'opened', snapshots: ['one'] },
    ],
    ['a file of 4 bytes holding only the magic is raw', () => Uint8Array.from(overlay().subarray(0, 4)), { kind: 'opened', format: 'raw', virtualSize: 512 }],
    ['a file of 7 bytes is raw', () => Uint8Array.from(overlay().subarray(0, 7)), { kind: 'opened', format: 'raw', virtualSize: 512 }],
    ['version 1 is the old qcow format, not a broken qcow2', () => poked('base.qcow2', [4, 4, 1]), { kind: 'refused' }],
  ];

  it.each(cases)('%s', async (_story, bytes, expected) => {
    const path = join(dir, 'case.qcow2');
    writeFileSync(path, bytes());
    const qemu = await qemuImgInfo(path);
    const snaptree = snaptreeVerdict(path);
    expect(qemu).toMatchObject(expected);
    if (qemu.kind === 'crashed') {
      expect(snaptree).toMatchObject({ kind: 'refused', reason: expect.stringContaining('Missing CRYPTO header') });
    } else if (qemu.kind === 'refused') {
      expect(snaptree.kind === 'refused' || snaptree.kind === 'deferred').toBe(true);
      if (snaptree.kind === 'refused') expect(snaptree.reason).toContain(qemu.reason);
    } else {
      expect(snaptree).toEqual(qemu);
    }
  });

  it('keeps an overlay QEMU refuses linked to its base, so that the base never looks unused', async () => {
    const folder = mkdtempSync(join(dir, 'refused-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(folder, 'base.qcow2'), '8M']);
    writeFileSync(join(folder, 'refused.qcow2'), poked('overlay.qcow2', [32, 4, 3]));
    const { images } = await scanPaths(new LocalHost(), [folder]);
    const refused = images.find((image) => image.path.endsWith('refused.qcow2'))!;
    expect(refused.problems[0]).toMatchObject({ code: 'invalid-header', message: expect.stringContaining('Unsupported encryption method 3') });
    expect(refused.virtualSize).toBeNull();
    // An unknown encryption method is QEMU's refusal, not a passphrase the user lacks.
    expect(refused.problems.map((problem) => problem.code)).toEqual(['invalid-header']);
    expect(refused.backing).toMatchObject({ name: 'base.qcow2', image: join(folder, 'base.qcow2') });
  });

  it('takes the seconds of a snapshot date as they are, and nanoseconds of a second or more as none', () => {
    const table = u64At(withSnapshots(), 64);
    const path = join(dir, 'nanoseconds.qcow2');
    writeFileSync(path, poked('snapshots.qcow2', [table + 16, 4, 1_700_000_000], [table + 20, 4, 4_000_000_000]));
    const outcome = readImage(path);
    expect(outcome.kind === 'image' && outcome.image.snapshots[0]?.date).toBe('2023-11-14T22:13:20.000Z');
  });
});
