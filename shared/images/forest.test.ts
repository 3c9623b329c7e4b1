import { describe, expect, it } from 'vitest';
import { say } from '../messages/problems.js';
import { buildForest, type ScannedFile } from './forest.js';
import type { Qcow2Header } from './qcow2.js';

/** An overlay's header as the decoder gives it, with only what the forest reads filled in. */
function overlayHeader(backingFile: string, backingFormat: string | null): Qcow2Header {
  return { details: {} as Qcow2Header['details'], virtualSize: 1 << 20, backingFile, backingFormat, dataFile: null, externalData: false, dirty: false, corrupt: false, encrypted: false, bitmapDirectory: null };
}

const file = (path: string, fields: Partial<ScannedFile>): ScannedFile => ({
  path,
  identity: path,
  folder: '/vm',
  fileSize: 196_624,
  actualSize: 200_704,
  format: 'qcow2',
  qcow2: null,
  snapshots: [],
  readProblems: [],
  fallback: null,
  backingIdentity: null,
  dataFileExists: null,
  ...fields,
});

/** A backing file Snaptree may not read (mode 600, another owner), as the scanner hands it in. */
const unreadable = (path: string, fileSize: number): ScannedFile =>
  file(path, { format: 'unknown', fileSize, readProblems: [{ code: 'unreadable', ...say('image.unreadable.denied', { errno: 'EACCES' }) }] });

describe('an image that could not be read', () => {
  it('is unreadable and nothing else: not raw, not empty, no format claimed by its name', () => {
    const [base, empty] = buildForest([unreadable('/vm/base.qcow2', 196_624), unreadable('/vm/empty.qcow2', 0)]);
    for (const image of [base!, empty!]) {
      expect(image).toMatchObject({ format: 'unknown', virtualSize: null, backing: null });
      expect(image.problems.map((problem) => problem.code)).toEqual(['unreadable']);
    }
    expect(base!.actualSize).toBe(200_704);
  });

  it('gives its overlay no format mismatch, only what the overlay itself lacks', () => {
    const images = buildForest([
      unreadable('/vm/base.qcow2', 196_624),
      file('/vm/top.qcow2', { qcow2: overlayHeader('base.qcow2', 'qcow2'), backingIdentity: '/vm/base.qcow2' }),
      file('/vm/unrecorded.qcow2', { qcow2: overlayHeader('base.qcow2', null), backingIdentity: '/vm/base.qcow2' }),
    ]);
    expect(images[1]).toMatchObject({ backing: { exists: true, image: '/vm/base.qcow2', format: 'qcow2' }, problems: [] });
    expect(images[2]!.problems.map((problem) => problem.code)).toEqual(['no-backing-format']);
    expect(images[2]!.problems[0]!.message).not.toContain('unknown');
  });
});

describe('a backing that is a QEMU protocol string', () => {
  it('is a protocol backing, not a missing file', () => {
    const [overlay] = buildForest([file('/vm/on-nbd.qcow2', { qcow2: overlayHeader('nbd://127.0.0.1:10809/x', 'raw') })]);
    expect(overlay!.backing).toMatchObject({ name: 'nbd://127.0.0.1:10809/x', path: 'nbd://127.0.0.1:10809/x', exists: false, image: null });
    expect(overlay!.problems.map((problem) => problem.code)).toEqual(['protocol-backing']);
  });
});
