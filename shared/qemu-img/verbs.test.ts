import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Argv } from '../argv.js';
import { checkArgv, parseCheck } from './check.js';
import { commitArgv } from './commit.js';
import { convertArgv } from './convert.js';
import { createBaseArgv, createOverlayArgv } from './create.js';
import { infoArgv, parseQemuImgInfo } from './info.js';
import { mapArgv, parseMap } from './map.js';
import { measureArgv, parseMeasure } from './measure.js';
import { rebaseArgv } from './rebase.js';
import { snapshotArgv } from './snapshot.js';

/** Names a user may give a file or a snapshot; each must reach qemu-img as itself. */
const HOSTILE = ['a b.qcow2', `it's "q".qcow2`, '$(touch pwned).qcow2', '-x.qcow2', 'a,b.qcow2', 'диск ✓ 日本.qcow2'];

describe('qemu-img argv, built before anything runs', () => {
  it.each([
    ['a new overlay names both formats', createOverlayArgv('qemu-img', 'top.qcow2', 'base.raw', 'raw'), ['qemu-img', 'create', '-f', 'qcow2', '-b', 'base.raw', '-F', 'raw', '--', 'top.qcow2']],
    ['a new base', createBaseArgv('qemu-img', 'base.qcow2', 'qcow2', '64M', { quiet: true }), ['qemu-img', 'create', '-q', '-f', 'qcow2', '--', 'base.qcow2', '64M']],
    ['listing snapshots reads, so it shares the lock', snapshotArgv('qemu-img', 'd.qcow2', 'qcow2', { kind: 'list' }), ['qemu-img', 'snapshot', '-U', '-l', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=d.qcow2']],
    ['creating a snapshot writes, so no -U', snapshotArgv('qemu-img', 'd.qcow2', 'qcow2', { kind: 'create', name: '-s' }), ['qemu-img', 'snapshot', '-c', '-s', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=d.qcow2']],
    ['applying', snapshotArgv('qemu-img', 'd.qcow2', 'qcow2', { kind: 'apply', name: 's' }), ['qemu-img', 'snapshot', '-a', 's', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=d.qcow2']],
    ['deleting', snapshotArgv('qemu-img', 'd.qcow2', 'qcow2', { kind: 'delete', name: 's' }), ['qemu-img', 'snapshot', '-d', 's', '--image-opts', 'driver=qcow2,file.driver=file,file.filename=d.qcow2']],
    ['a commit into the backing file', commitArgv('qemu-img', 'top.qcow2'), ['qemu-img', 'commit', '-p', '-f', 'qcow2', '--', 'top.qcow2']],
    ['a commit further down, top kept', commitArgv('qemu-img', 'top.qcow2', { base: 'base.qcow2', keepTop: true }), ['qemu-img', 'commit', '-p', '-f', 'qcow2', '-b', 'base.qcow2', '-d', '--', 'top.qcow2']],
    ['a safe rebase shows progress', rebaseArgv('qemu-img', 'top.qcow2', 'base.qcow2', 'qcow2'), ['qemu-img', 'rebase', '-p', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', 'top.qcow2']],
    ['an unsafe rebase', rebaseArgv('qemu-img', 'top.qcow2', 'base.qcow2', 'qcow2', { unsafe: true }), ['qemu-img', 'rebase', '-u', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', '--', 'top.qcow2']],
    ['a check shares no lock unless asked', checkArgv('qemu-img', 'd.qcow2', 'qcow2'), ['qemu-img', 'check', '--output=json', '-f', 'qcow2', '--', 'd.qcow2']],
    ['a check of an image a running QEMU holds shares its lock', checkArgv('qemu-img', 'd.qcow2', 'qcow2', { shared: true }), ['qemu-img', 'check', '-U', '--output=json', '-f', 'qcow2', '--', 'd.qcow2']],
    ['a repairing check', checkArgv('qemu-img', 'd.qcow2', 'qcow2', { repair: 'leaks' }), ['qemu-img', 'check', '-r', 'leaks', '--output=json', '-f', 'qcow2', '--', 'd.qcow2']],
    ['a convert names both formats', convertArgv('qemu-img', 'd.vmdk', 'vmdk', 'd.qcow2', 'qcow2'), ['qemu-img', 'convert', '-p', '-t', 'writeback', '-f', 'vmdk', '-O', 'qcow2', '--', 'd.vmdk', 'd.qcow2']],
    [
      'a convert of an internal snapshot, shared with a running QEMU, a comma in its name doubled',
      convertArgv('qemu-img', 'd.qcow2', 'qcow2', 'c.qcow2', 'qcow2', { snapshot: 'a,b', shared: true }),
      ['qemu-img', 'convert', '-p', '-t', 'writeback', '-U', '-f', 'qcow2', '-O', 'qcow2', '-l', 'snapshot.name=a,,b', '--', 'd.qcow2', 'c.qcow2'],
    ],
    ['info', infoArgv('qemu-img', 'd.vmdk', 'vmdk'), ['qemu-img', 'info', '--output=json', '-U', '-f', 'vmdk', '--', 'd.vmdk']],
    ['info of the whole chain', infoArgv('qemu-img', 'd.qcow2', 'qcow2', { backingChain: true }), ['qemu-img', 'info', '--output=json', '-U', '-f', 'qcow2', '--backing-chain', '--', 'd.qcow2']],
    ['measure', measureArgv('qemu-img', 'd.qcow2', 'qcow2', 'raw'), ['qemu-img', 'measure', '--output=json', '-U', '-f', 'qcow2', '-O', 'raw', '--', 'd.qcow2']],
    ['measure at an internal snapshot', measureArgv('qemu-img', 'd.qcow2', 'qcow2', 'qcow2', 'a,b'), ['qemu-img', 'measure', '--output=json', '-U', '-f', 'qcow2', '-O', 'qcow2', '-l', 'snapshot.name=a,,b', '--', 'd.qcow2']],
    ['map', mapArgv('qemu-img', 'd.qcow2', 'qcow2'), ['qemu-img', 'map', '--output=json', '-U', '-f', 'qcow2', '--', 'd.qcow2']],
  ])('%s', (_, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it.each(HOSTILE)('the file name %j is one argument, after --, untouched', (name) => {
    for (const argv of [createOverlayArgv('qemu-img', name, name, 'qcow2'), commitArgv('qemu-img', name, { base: name }), rebaseArgv('qemu-img', name, name, 'qcow2'), checkArgv('qemu-img', name, 'qcow2'), infoArgv('qemu-img', name, 'qcow2'), mapArgv('qemu-img', name, 'qcow2'), measureArgv('qemu-img', name, 'qcow2', 'raw')]) {
      expect(argv.at(-1)).toBe(name);
      expect(argv.at(-2)).toBe('--');
    }
  });

  it('a comma in a file name inside --image-opts is doubled, as QEMU parses it', () => {
    expect(snapshotArgv('qemu-img', 'a,b.qcow2', 'qcow2', { kind: 'list' }).at(-1)).toBe('driver=qcow2,file.driver=file,file.filename=a,,b.qcow2');
  });
});

describe('qemu-img runs the built argv, and the guest sees the same bytes', () => {
  let dir: string;
  const run = (argv: Argv): string => execFileSync(argv[0], argv.slice(1), { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  /** Guest data written at an offset, as a guest would (qemu-io, no shell). */
  const write = (file: string, pattern: number, offset: string): void => {
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${pattern} ${offset} 64k`, '--', file], { cwd: dir, stdio: 'ignore' });
  };
  /** `qemu-img compare` exits 0 when the two show a guest identical bytes, 1 when they differ. */
  const sameBytes = (a: string, b: string): boolean => {
    try {
      execFileSync('qemu-img', ['compare', '-q', '-f', 'qcow2', '-F', 'qcow2', '--', a, b], { cwd: dir });
      return true;
    } catch {
      return false;
    }
  };
  const info = (file: string) => parseQemuImgInfo(run(infoArgv('qemu-img', file, 'qcow2')));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'snaptree-verbs-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(HOSTILE)('create, commit and rebase keep what the guest sees through %j', (name) => {
    const base = `base ${name}`;
    const mid = `mid ${name}`;
    const top = name;
    run(createBaseArgv('qemu-img', base, 'qcow2', '4M', { quiet: true }));
    write(base, 0xaa, '0');
    run(createOverlayArgv('qemu-img', mid, base, 'qcow2'));
    write(mid, 0xbb, '1M');
    run(createOverlayArgv('qemu-img', top, mid, 'qcow2'));
    write(top, 0xcc, '2M');
    const reference = `reference ${name}`;
    run(convertArgv('qemu-img', top, 'qcow2', reference, 'qcow2'));
    expect(sameBytes(top, reference)).toBe(true);
    expect(info(top).backingName).toBe(mid);

    // Commit top into mid, then pull mid's data into top while pointing it at base: mid is no longer needed.
    expect(run(commitArgv('qemu-img', top))).toContain('Image committed.');
    expect(sameBytes(top, reference)).toBe(true);
    run(rebaseArgv('qemu-img', top, base, 'qcow2'));
    expect(info(top).backingName).toBe(base);
    expect(info(top).backingFormat).toBe('qcow2');
    rmSync(join(dir, mid));
    expect(sameBytes(top, reference)).toBe(true);

    // `commit -b` leaves the layers between invalid: an unsafe rebase then re-points the top.
    const upper = `upper ${name}`;
    run(createOverlayArgv('qemu-img', upper, top, 'qcow2'));
    write(upper, 0xdd, '3M');
    const upperReference = `upper reference ${name}`;
    run(convertArgv('qemu-img', upper, 'qcow2', upperReference, 'qcow2'));
    run(commitArgv('qemu-img', upper, { base }));
    run(rebaseArgv('qemu-img', upper, base, 'qcow2', { unsafe: true }));
    rmSync(join(dir, top));
    expect(sameBytes(upper, upperReference)).toBe(true);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('a convert has its copy on the disk before qemu-img exits: its last write is followed by a flush', () => {
    // What a power cut after the job would find: convert's own default cache (`unsafe`) writes
    // the copy into the page cache and exits without a flush. Seen in the system calls.
    const source = 'flushed source.raw';
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', '--', source, '8M'], { cwd: dir });
    execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5a 0 8M', '--', source], { cwd: dir, stdio: 'ignore' });
    const calls = (argv: Argv): string[] => {
      const trace = join(dir, 'trace.txt');
      execFileSync('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=pwrite64,pwritev,pwritev2,fdatasync,fsync', '--', ...argv], { cwd: dir, stdio: 'ignore' });
      const names = readFileSync(trace, 'utf8').split('\n').flatMap((line) => /^\d+\s+(\w+)\(/.exec(line)?.[1] ?? []);
      rmSync(trace);
      return names;
    };
    const argv = convertArgv('qemu-img', source, 'raw', 'flushed copy.qcow2', 'qcow2');
    const made = calls(argv);
    expect(made.filter((name) => name.startsWith('pwrite')).length).toBeGreaterThan(0);
    expect(made.at(-1)).toMatch(/^f(data)?sync$/);
    rmSync(join(dir, 'flushed copy.qcow2'));
    // The same copy with convert's default: no flush after the data (what the argv must not be).
    const [qemuImg, ...args] = argv;
    const unflushed = calls([qemuImg, ...args.filter((arg, index) => arg !== '-t' && args[index - 1] !== '-t')]);
    expect(unflushed.at(-1)).toMatch(/^pwrite/);
    rmSync(join(dir, 'flushed copy.qcow2'));
    rmSync(join(dir, source));
  });

  it('an internal snapshot named like an option is created, listed, applied and deleted by that name', () => {
    const disk = 'snap, "me" $(x).qcow2';
    const name = '-s, "one" $(x) ✓';
    run(createBaseArgv('qemu-img', disk, 'qcow2', '1M', { quiet: true }));
    write(disk, 0x11, '0');
    run(snapshotArgv('qemu-img', disk, 'qcow2', { kind: 'create', name }));
    expect(run(snapshotArgv('qemu-img', disk, 'qcow2', { kind: 'list' }))).toContain(name);
    write(disk, 0x22, '0');
    write(disk, 0x33, '512k');
    // Measured at the snapshot (its comma escaped), the copy holds the one 64 KiB cluster written before it, not the two there now.
    const atSnapshot = parseMeasure(run(measureArgv('qemu-img', disk, 'qcow2', 'qcow2', name)));
    expect(parseMeasure(run(measureArgv('qemu-img', disk, 'qcow2', 'qcow2'))).required - atSnapshot.required).toBe(64 * 1024);
    run(snapshotArgv('qemu-img', disk, 'qcow2', { kind: 'apply', name }));
    expect(execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'read -P 0x11 0 64k', '--', disk], { cwd: dir, encoding: 'utf8' })).not.toContain('Pattern verification failed');
    run(snapshotArgv('qemu-img', disk, 'qcow2', { kind: 'delete', name }));
    expect(run(snapshotArgv('qemu-img', disk, 'qcow2', { kind: 'list' }))).toBe('');
  });

  it('check, measure, map and info --backing-chain give what their parsers read', () => {
    const base = '-base.qcow2';
    const top = '-top.qcow2';
    run(createBaseArgv('qemu-img', base, 'qcow2', '4M', { quiet: true }));
    write(base, 0xaa, '0');
    run(createOverlayArgv('qemu-img', top, base, 'qcow2'));
    write(top, 0xbb, '1M');

    expect(parseCheck(run(checkArgv('qemu-img', top, 'qcow2')))).toEqual({ corruptions: 0, leaks: 0, corruptionsFixed: 0, leaksFixed: 0, checkErrors: 0 });
    const measure = parseMeasure(run(measureArgv('qemu-img', top, 'qcow2', 'qcow2')));
    expect(measure.required).toBeGreaterThan(128 * 1024);
    expect(measure.fullyAllocated).toBeGreaterThan(4 * 1024 * 1024);
    const extents = parseMap(run(mapArgv('qemu-img', top, 'qcow2')));
    expect(extents.filter((extent) => extent.data).map(({ start, depth }) => ({ start, depth }))).toEqual([
      { start: 0, depth: 1 },
      { start: 1024 * 1024, depth: 0 },
    ]);
    const chain = JSON.parse(run(infoArgv('qemu-img', top, 'qcow2', { backingChain: true }))) as Array<{ filename: string }>;
    expect(chain.map((layer) => layer.filename)).toEqual([top, base]);
  });
});
