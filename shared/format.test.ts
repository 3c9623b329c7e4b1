import { describe, expect, it } from 'vitest';
import { terminalJson, terminalText } from './format.js';

describe('text for a terminal', () => {
  it('shows the escapes that would set the title and clear the screen, instead of sending them', () => {
    expect(terminalText('vm\x1b]0;owned\x07\x1b[2J.qcow2')).toBe('vm\\e]0;owned\\a\\e[2J.qcow2');
    expect(terminalText('a\nb\tc\rd\x00e\x7ff')).toBe('a\\nb\\tc\\rd\\x00e\\x7ff');
  });

  it('escapes C1 controls apart from raw bytes, which a name that is no UTF-8 holds as U+DC80–U+DCFF', () => {
    expect(terminalText('a\u009b2Jb')).toBe('a\\u009b2Jb');
    expect(terminalText('caf\udce9.img')).toBe('caf\\xe9.img');
    expect(terminalText('lone \ud800 and \udfff')).toBe('lone \\ud800 and \\udfff');
  });

  it('escapes invisible characters that make one name look like another', () => {
    // A right-to-left override shows this name, which ends in .exe, as "vm-exe.qcow2".
    expect(terminalText('vm-\u202e2wocq.exe')).toBe('vm-\\u202e2wocq.exe');
    expect(terminalText('a\u200bb\u2028c\ufeff')).toBe('a\\u200bb\\u2028c\\ufeff');
    expect(terminalText('x\u{e0001}')).toBe('x\\u{e0001}');
  });

  it('doubles a backslash, so that an escape always means what it says', () => {
    expect(terminalText('C:\\e')).toBe('C:\\\\e');
  });

  it('leaves printable text alone, whatever its script, emoji sequences included', () => {
    for (const text of ['/srv/vm/Fedora guest (1).qcow2', 'Überprüfung — 検証 — تحقق', 'می‌خواهم', '👨‍👩‍👧 🏴󠁧󠁢󠁥󠁮󠁧󠁿', '├─ └─ │']) {
      expect(terminalText(text)).toBe(text);
    }
  });
});

describe('JSON for a terminal', () => {
  it('writes C1 controls, bidi overrides and separators as escapes, and parses back to the exact value', () => {
    const value = { name: 'a\u009b2Jb\u202ec\u2028d\u{e0020}e', plain: 'ünïcødé ☃', lone: '\udcff' };
    const json = terminalJson(value, 2);
    expect(json).not.toMatch(/[\u007f-\u009f\u202e\u2028\u{e0020}]/u);
    expect(json).toContain('\\u009b');
    expect(json).toContain('ünïcødé ☃');
    expect(JSON.parse(json)).toEqual(value);
  });
});
