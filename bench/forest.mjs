// Makes a large, realistic forest fast: qemu-img creates one base and one overlay as
// templates, and copies of them get their backing names patched in place (same
// length), so that every file carries a header exactly as qemu-img writes it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const name = (i) => `img-${String(i).padStart(6, '0')}.qcow2`;

/**
 * `count` images in `dir`: bases, each carrying three branches of overlay chains
 * (the shape of the tutorials' pictures), 10 images per family.
 */
export function makeForest(dir, count) {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, 'template-base.qcow2');
  const overlay = join(dir, 'template-overlay.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '1G']);
  // -u: the template's backing need not exist; its name is overwritten in every copy.
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-u', '-b', name(0), '-F', 'qcow2', overlay, '1G']);
  const header = readFileSync(overlay).subarray(0, 4096);
  const view = new DataView(header.buffer, header.byteOffset);
  const nameOffset = Number(view.getBigUint64(8));

  for (let i = 0; i < count; i++) {
    const position = i % 10; // 0: base; 1-3 first branch, 4-6 second, 7-9 third
    const target = join(dir, name(i));
    if (position === 0) {
      copyFileSync(base, target);
      continue;
    }
    const family = i - position;
    const backing = position === 1 || position === 4 || position === 7 ? family : i - 1;
    copyFileSync(overlay, target);
    const fd = openSync(target, 'r+');
    writeSync(fd, Buffer.from(name(backing)), 0, name(backing).length, nameOffset);
    closeSync(fd);
  }
  return { base, overlay };
}
