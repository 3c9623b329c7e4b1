import { describe, expect, it } from 'vitest';
import { besideFree, nextFreeName } from './names';

describe('default names', () => {
  it('a new snapshot is the first snapshot-N not taken', () => {
    expect(nextFreeName('snapshot', [])).toBe('snapshot-1');
    expect(nextFreeName('snapshot', ['snapshot-1', 'snapshot-2', 'snapshot-4'])).toBe('snapshot-3');
  });

  it('a new file goes beside the image, never on it or on another file the forest knows', () => {
    expect(besideFree('/vm/base.img', '', [])).toBe('/vm/base.qcow2');
    // Converting a qcow2 to qcow2 must not name the file itself.
    expect(besideFree('/vm/disk.qcow2', '', ['/vm/disk.qcow2'])).toBe('/vm/disk-2.qcow2');
    expect(besideFree('/vm/a b.qcow2', '-overlay', ['/vm/a b-overlay.qcow2'])).toBe('/vm/a b-overlay-2.qcow2');
    // A dot file keeps its name: the extension is only what follows a later dot.
    expect(besideFree('/vm/.hidden', '-overlay', [])).toBe('/vm/.hidden-overlay.qcow2');
    expect(besideFree('/vm/noext', '', [])).toBe('/vm/noext.qcow2');
  });
});
