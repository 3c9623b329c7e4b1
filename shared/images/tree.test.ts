import { describe, expect, it } from 'vitest';
import type { Image } from './model.js';
import { folderWithChains } from './tree.js';

/** An image as the scanner reports it, with only what the folder filter reads filled in. */
function image(path: string, folder: string | null, backing: string | null): Image {
  return {
    path,
    format: 'qcow2',
    virtualSize: 1,
    actualSize: 1,
    backing: backing === null ? null : { name: backing, path: backing, format: 'qcow2', exists: true, image: backing },
    snapshots: [],
    encrypted: false,
    corrupt: false,
    dirty: false,
    dataFile: null,
    problems: [],
    folder,
    qcow2: null,
    usedBy: [],
  };
}

describe('one watched folder with its chains', () => {
  it('keeps every backing file below its images, in another watched folder or outside any', () => {
    const images = [
      image('/vm/a/top.qcow2', '/vm/a', '/vm/b/mid.qcow2'),
      image('/vm/b/mid.qcow2', '/vm/b', '/srv/base.qcow2'),
      image('/srv/base.qcow2', null, null),
      image('/vm/b/other.qcow2', '/vm/b', null),
      image('/srv/unrelated.qcow2', null, null),
    ];
    expect(folderWithChains(images, '/vm/a').map((kept) => kept.path)).toEqual(['/vm/a/top.qcow2', '/vm/b/mid.qcow2', '/srv/base.qcow2']);
    expect(folderWithChains(images, '/vm/b').map((kept) => kept.path)).toEqual(['/vm/b/mid.qcow2', '/srv/base.qcow2', '/vm/b/other.qcow2']);
  });

  it('ends at a loop of backing files', () => {
    const images = [image('/vm/a/x.qcow2', '/vm/a', '/vm/a/y.qcow2'), image('/vm/a/y.qcow2', '/vm/a', '/vm/a/x.qcow2')];
    expect(folderWithChains(images, '/vm/a')).toHaveLength(2);
  });
});
