/**
 * A corpus of real images made by qemu-img in a temporary folder: every case the
 * scanner must get right. Shared by the scanner tests and the CLI tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const qemuImg = (...args: string[]): string => execFileSync('qemu-img', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });

/** Names a careless shell script would break on. */
export const HOSTILE_NAMES = ['with space.qcow2', 'ünïcødé ☃.qcow2', `quote"and'apostrophe.qcow2`, '$(touch pwned).qcow2', '-leading-dash.qcow2'];

export const DEEP_CHAIN = 150;

/**
 * A folder under `inside` that no scan can list, even as root, holding one image: its
 * path is longer than PATH_MAX (4096), made of symlinks to short real folders under
 * `scratch`, so realpath resolves it but opendir refuses it. Returns its path.
 */
export function unreadableFolder(scratch: string, inside: string): string {
  const long = (tag: string): string => tag.padEnd(250, '-');
  let at = inside;
  let parent = inside;
  for (let level = 1; at.length + 1 + 250 < 4096; level++) {
    const real = join(scratch, `level-${level}`);
    mkdirSync(real);
    symlinkSync(real, join(parent, long(`link-${level}`)));
    at = join(at, long(`link-${level}`));
    parent = real;
  }
  mkdirSync(join(parent, long('folder')));
  qemuImg('create', '-q', '-f', 'qcow2', join(parent, long('folder'), 'hidden.qcow2'), '1M');
  return join(at, long('folder'));
}

function poke(path: string, offset: number, byte: number): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from([byte]), 0, 1, offset);
  closeSync(fd);
}

/**
 * LUKS creation times a PBKDF loop with the thread's CPU clock; on a busy machine the
 * clock can read zero and qemu-img gives up with "Unable to get accurate CPU usage"
 * (seen with 7.2 while other tests ran). That is qemu-img's benchmark, not the image:
 * try again.
 */
function withLuksRetry(create: () => void): void {
  // Five tries were not enough in a CI run with the other test files loading both cores:
  // each failed try costs milliseconds, so try for up to two seconds, pausing between.
  for (let attempt = 1; ; attempt++) {
    try {
      create();
      return;
    } catch (error) {
      const said = `${(error as { stderr?: unknown }).stderr ?? ''} ${(error as Error).message}`;
      if (attempt >= 50 || !said.includes('Unable to get accurate CPU usage')) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
    }
  }
}

export interface Corpus {
  readonly root: string;
  /** The folder a user would watch; `outside.qcow2` lies beside it, not in it. */
  readonly folder: string;
  readonly at: (name: string) => string;
  remove(): void;
}

export function makeCorpus(): Corpus {
  const root = mkdtempSync(join(tmpdir(), 'snaptree-corpus-'));
  const folder = join(root, 'vm');
  mkdirSync(folder);
  const at = (name: string): string => join(folder, name);
  const overlay = (name: string, backing: string, format: string, ...options: string[]): void => {
    qemuImg('create', '-q', '-f', 'qcow2', ...options, '-b', backing, '-F', format, at(name));
  };

  qemuImg('create', '-q', '-f', 'raw', at('base.raw'), '64M');
  qemuImg('create', '-q', '-f', 'qcow2', at('base.qcow2'), '64M');
  overlay('on-raw.qcow2', 'base.raw', 'raw');
  overlay('absolute.qcow2', at('base.qcow2'), 'qcow2');

  // Relative names that climb out of the overlay's folder, and out of the watched folder.
  mkdirSync(at('deep/er'), { recursive: true });
  overlay('deep/er/climbing.qcow2', '../../base.qcow2', 'qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', join(root, 'outside.qcow2'), '32M');
  overlay('uses-outside.qcow2', '../outside.qcow2', 'qcow2');

  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'gone.qcow2', '-F', 'qcow2', at('missing-backing.qcow2'), '64M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'loop-b.qcow2', '-F', 'qcow2', at('loop-a.qcow2'), '64M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'loop-a.qcow2', '-F', 'qcow2', at('loop-b.qcow2'), '64M');
  qemuImg('create', '-q', '-f', 'qcow2', '-u', '-b', 'self-loop.qcow2', '-F', 'qcow2', at('self-loop.qcow2'), '64M');

  for (const name of HOSTILE_NAMES) overlay(name, 'base.qcow2', 'qcow2');
  overlay('on-hostile.qcow2', HOSTILE_NAMES[3]!, 'qcow2');

  // A version 2 header (compat=0.10), and one from before backing formats were recorded:
  // its extension list ends at once (a zero type at byte 72, where v2 extensions start).
  overlay('compat-0.10.qcow2', 'base.qcow2', 'qcow2', '-o', 'compat=0.10');
  overlay('no-backing-format.qcow2', 'base.qcow2', 'qcow2', '-o', 'compat=0.10');
  for (let byte = 72; byte < 76; byte++) poke(at('no-backing-format.qcow2'), byte, 0);
  // qemu-img trusts -F blindly (reference §2.4): a qcow2 backing declared raw.
  overlay('format-mismatch.qcow2', 'base.qcow2', 'raw');

  qemuImg('create', '-q', '-f', 'qcow2', at('snapshots.qcow2'), '64M');
  for (const name of ['first', 'second one', 'first']) qemuImg('snapshot', '-c', name, at('snapshots.qcow2'));

  const secret = ['--object', 'secret,id=s0,data=passphrase'];
  withLuksRetry(() => qemuImg('create', '-q', '-f', 'luks', ...secret, '-o', 'key-secret=s0,iter-time=10', at('plain.luks'), '16M'));
  withLuksRetry(() => qemuImg('create', '-q', '-f', 'qcow2', ...secret, '-o', 'encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10', at('encrypted.qcow2'), '16M'));

  // qemu-img creates a relative data file name in its working directory: work in the folder.
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'data_file=data-file.raw,data_file_raw=on', 'with-data-file.qcow2', '16M'], { cwd: folder });
  qemuImg('create', '-q', '-f', 'vmdk', at('disk.vmdk'), '16M');

  writeFileSync(at('empty.img'), '');
  const full = readFileSync(at('absolute.qcow2'));
  writeFileSync(at('cut-at-50.qcow2'), full.subarray(0, 50));
  writeFileSync(at('cut-at-1000.qcow2'), full.subarray(0, 1000));

  // The dirty and corrupt bits live in the low byte of incompatible_features (byte 79).
  overlay('dirty.qcow2', 'base.qcow2', 'qcow2');
  poke(at('dirty.qcow2'), 79, 0x01);
  overlay('corrupt.qcow2', 'base.qcow2', 'qcow2');
  poke(at('corrupt.qcow2'), 79, 0x02);

  mkdirSync(at('chain'));
  qemuImg('create', '-q', '-f', 'qcow2', at('chain/link-0.qcow2'), '16M');
  for (let i = 1; i <= DEEP_CHAIN; i++) overlay(`chain/link-${i}.qcow2`, `link-${i - 1}.qcow2`, 'qcow2');

  // A symlink loop among the folders, and a file that is not an image.
  symlinkSync('..', at('deep/back-up'));
  writeFileSync(at('notes.txt'), 'not an image\n');

  return { root, folder, at, remove: () => rmSync(root, { recursive: true, force: true }) };
}
