import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellLine } from './shell-words';

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
