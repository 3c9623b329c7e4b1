import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { terminalText } from './format';
import { printableShellLine, shellLine } from './shell-words';

describe('shellLine', () => {
  it('quotes each word so that a real sh reads back exactly the argument array', () => {
    const words = ['qemu-img', 'create', '-F', 'qcow2', '--', "it's here", 'a b', '$(touch x)', '`id`', '-dash', 'line\nbreak', '数据盘.qcow2', '', '*', '~user', 'back\\slash', '"dq"'];
    // printf prints each argument the shell gives it, NUL-terminated, so that newlines survive.
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellLine(words)}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });

  it('leaves plain words bare, as a person would type them', () => {
    expect(shellLine(['qemu-img', 'convert', '-p', '-O', 'qcow2', '/vm/a.img', '/vm/a.qcow2'])).toBe('qemu-img convert -p -O qcow2 /vm/a.img /vm/a.qcow2');
  });
});

describe('printableShellLine', () => {
  const words = ['qemu-img', '--', "it's\there", 'esc\x1b]0;title\x07', 'line\nbreak', 'c1\u009b2J', 'bidi\u202efdp.exe', 'zw\u200bsp', 'back\\slash \'q\'', '数据盘 👩\u200d💻', "plain 'quoted'"];

  it('is read back by bash as exactly the argument array, the words with unseen characters in $\'…\'', () => {
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${printableShellLine(words)}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });

  it('holds nothing a terminal would act on or hide, so the CLI prints it as it is and it pastes as printed', () => {
    const line = printableShellLine(words);
    expect(terminalText(line)).toBe(line.replaceAll('\\', '\\\\'));
    expect(line).toContain("$'it\\'s\\there'");
    // A joiner is part of the emoji it joins, shown as it is; a word with nothing unseen is quoted as shellLine quotes it.
    expect(line).toContain("'数据盘 👩\u200d💻'");
    expect(line).toContain(`${shellLine(["plain 'quoted'"])}`);
  });

  it("writes a name's byte that is not UTF-8 (a lone surrogate U+DC80–U+DCFF here) as that byte", () => {
    expect(printableShellLine(['disk\udcff.qcow2'])).toBe("$'disk\\xff.qcow2'");
  });
});
