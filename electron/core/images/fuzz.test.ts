import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../shared/images/magic.js';
import { decodeQcow2Header } from '../../../shared/images/qcow2.js';
import { decodeSnapshotTable } from '../../../shared/images/snapshots.js';
import { random } from './random.test-support.js';
import { readImage } from './read.js';

/** Bit flips, random bytes, 0xff runs in header fields, and cuts, as a damaged disk would make them. */
function mutate(original: Uint8Array, next: () => number): Uint8Array {
  const bytes = Uint8Array.from(original);
  const edits = 1 + Math.floor(next() * 8);
  for (let i = 0; i < edits; i++) {
    const kind = next();
    const at = next() < 0.7 ? Math.floor(next() * 120) : Math.floor(next() * bytes.length);
    if (kind < 0.4) bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(next() * 8));
    else if (kind < 0.7) bytes[at] = Math.floor(next() * 256);
    else if (kind < 0.9) bytes.fill(0xff, at, at + 1 + Math.floor(next() * 8));
  }
  return next() < 0.2 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
}

let dir: string;
const seeds: Uint8Array[] = [];
let withSnapshots: Uint8Array;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snaptree-fuzz-'));
  const make = (name: string, options: string[], size: string[] = []): void => {
    execFileSync('qemu-img', ['create', '-q', ...options, join(dir, name), ...size], { cwd: dir });
    seeds.push(readFileSync(join(dir, name)).subarray(0, 8192));
  };
  make('base.qcow2', ['-f', 'qcow2'], ['64M']);
  make('overlay.qcow2', ['-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2']);
  make('v2.qcow2', ['-f', 'qcow2', '-o', 'compat=0.10', '-b', 'base.qcow2', '-F', 'qcow2']);
  make('zstd.qcow2', ['-f', 'qcow2', '-o', 'compression_type=zstd,extended_l2=on,lazy_refcounts=on'], ['64M']);
  execFileSync('qemu-img', ['snapshot', '-c', 'one', join(dir, 'base.qcow2')]);
  execFileSync('qemu-img', ['snapshot', '-c', 'two', join(dir, 'base.qcow2')]);
  withSnapshots = readFileSync(join(dir, 'base.qcow2'));
  seeds.push(withSnapshots.subarray(0, 8192));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the reader on damaged headers', () => {
  it('never throws and never hangs on 20,000 mutated real headers', () => {
    const next = random(20261122);
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = mutate(seeds[i % seeds.length]!, next);
      expect(() => {
        detectFormat(bytes);
        const { header } = decodeQcow2Header(bytes, bytes.length);
        if (header) decoded++;
        // Read to the end of the file, every entry past it is a zero entry, as QEMU reads
        // it: a count beyond QEMU's limit then costs a whole table of them, so fewer.
        const toFileEnd = next() < 0.5;
        decodeSnapshotTable(bytes.subarray(Math.floor(next() * bytes.length)), Math.floor(next() * (toFileEnd ? 300 : 70_000)), toFileEnd);
      }).not.toThrow();
    }
    // The mutations must leave many headers readable, or the fuzzing proves little.
    expect(decoded).toBeGreaterThan(2000);
  }, 60_000);

  it('reads mutated files from disk without throwing, whatever their snapshot table claims', async () => {
    const next = random(7);
    const original = withSnapshots;
    const path = join(dir, 'mutant.qcow2');
    for (let i = 0; i < 300; i++) {
      const bytes = mutate(original, next);
      // Aim at the snapshot count and table offset (bytes 60–71) half of the time.
      if (next() < 0.5) bytes.fill(Math.floor(next() * 256), 60 + Math.floor(next() * 12), 72);
      writeFileSync(path, bytes);
      const outcome = await readImage(path);
      expect(outcome.kind).toBe('image');
    }
  }, 60_000);
});
