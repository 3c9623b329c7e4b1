import { describe, expect, it } from 'vitest';
import { CATALOGUES } from './catalogues';

/** Every key of a catalogue, as `a.b.c`, with its string. */
function entries(catalogue: object, prefix = ''): [string, string][] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : entries(value as object, `${prefix}${key}.`),
  );
}

/** Latin words a Chinese sentence may keep: commands, formats, units, product names. */
const KEPT = /^(qemu-img|virsh|libvirt|libvirtd|QEMU|KVM|qcow2?|raw|vmdk|vdi|vhdx|vpc|qed|luks|LUKS|Snaptree|UTF-8|MiB|GiB|KiB|TiB|B|URI|XML|JSON|ID|UUID|NOW|blockcommit|blockpull|rebase|commit|pull|nbd|json|zstd|zlib|L1|L2|AES|FIFO|vmdk|Electron|ssh|root|id|name|path|format|size|[a-z]+-[a-z-]+|\{\{[^}]+\}\}|[A-Z]?[a-z]*\d\w*)$/;

describe('the catalogues', () => {
  for (const [namespace, english] of Object.entries(CATALOGUES.en)) {
    it(`${namespace}: every key is in both languages, and no Chinese sentence is left in English`, () => {
      const chinese = CATALOGUES['zh-CN'][namespace as keyof (typeof CATALOGUES)['en']];
      const englishKeys = entries(english).map(([key]) => key);
      expect(entries(chinese).map(([key]) => key).sort()).toEqual(englishKeys.sort());
      for (const [key, text] of entries(chinese)) {
        expect(text.trim(), key).not.toBe('');
        // Placeholders, nested keys, commands and names aside, a translated sentence holds no English word.
        const words = text.replace(/\{\{[^}]+\}\}|\$t\([^)]*\)|`[^`]*`|<[^>]*>/g, ' ').match(/[A-Za-z][A-Za-z0-9_.:/-]*/g) ?? [];
        expect(words.filter((word) => !KEPT.test(word)), `${key}: ${text}`).toEqual([]);
      }
    });
  }
});
