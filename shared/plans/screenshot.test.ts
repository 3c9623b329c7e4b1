import { describe, expect, it } from 'vitest';
import { screenshotFileStem, screenshotPath } from './screenshot.js';

const UUID = '00000000-0000-4000-8000-000000000001';

describe('where a snapshot screenshot is kept', () => {
  it('is a file under the data folder, by domain UUID and snapshot name', () => {
    expect(screenshotPath('/home/u/.local/share/snaptree', UUID, 'before upgrade')).toBe(`/home/u/.local/share/snaptree/screenshots/${UUID}/before%20upgrade.ppm`);
  });

  it('makes any name one plain file name: no slash, no hidden file, no dot folders, no option', () => {
    for (const name of ['../../etc/passwd', '.', '..', '.hidden', '-x', 'a\nb', `it's "x" $(id)`, '快照 ✓', '\0', '']) {
      const stem = screenshotFileStem(name);
      expect(stem, name).toMatch(/^[A-Za-z0-9%_.!~*'()-]+$/);
      expect(stem.startsWith('.'), name).toBe(false);
    }
    expect(screenshotFileStem('.hidden')).toBe('%2Ehidden');
    expect(screenshotFileStem('a/b')).toBe('a%2Fb');
  });

  it('keeps different names apart, long ones too, within the file-name limit', () => {
    const long = (end: string) => `${'快'.repeat(200)}${end}`;
    const names = ['a', 'A', 'a b', 'a%20b', long('1'), long('2'), 'x'.repeat(300), 'x'.repeat(301)];
    const stems = names.map(screenshotFileStem);
    expect(new Set(stems).size).toBe(names.length);
    for (const stem of stems) expect(Buffer.byteLength(`${stem}.png.0123456789ab.tmp`)).toBeLessThanOrEqual(255);
    // Cut between characters, never inside one.
    expect(screenshotFileStem(long('1'))).toMatch(/^(%E5%BF%AB)+~[0-9a-f]{16}$/);
  });

  it('names an empty name, or one with a lone surrogate (no UTF-8 for it), by its hash alone', () => {
    expect(screenshotFileStem('')).toMatch(/^~[0-9a-f]{16}$/);
    expect(screenshotFileStem('\ud800x')).toMatch(/^~[0-9a-f]{16}$/);
  });
});
