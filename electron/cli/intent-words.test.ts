import { describe, expect, it } from 'vitest';
import { Intent } from '../../shared/plans/intent.js';
import { intentOf, type IntentValues } from './intent-words.js';

const where = { cwd: '/srv/vm', uri: 'qemu:///system' };
const words = (line: string[], values: IntentValues = {}) => intentOf(line, values, where);

describe('INTENT words', () => {
  it.each([
    ['an internal snapshot of a domain', ['snapshot', 'web', 'before update'], {}, { kind: 'snapshot', uri: 'qemu:///system', domain: 'web', name: 'before update', snapshot: 'internal', live: false, quiesce: false, files: {} }],
    [
      'a disk-only snapshot with a named overlay, resolved from here',
      ['snapshot', 'web', 's1'],
      { 'disk-only': true, description: 'why', file: ['vda=./web.s1.qcow2'] },
      { kind: 'snapshot', uri: 'qemu:///system', domain: 'web', name: 's1', description: 'why', snapshot: 'disk-only', live: false, quiesce: false, files: { vda: '/srv/vm/web.s1.qcow2' } },
    ],
    ['a live checkpoint', ['snapshot', 'web', 'c1'], { memory: true, live: true, quiesce: true }, { kind: 'snapshot', snapshot: 'memory', live: true, quiesce: true }],
    ['an image snapshot: the word is a path', ['snapshot', './disk.qcow2', '-x'], {}, { kind: 'image-snapshot', image: '/srv/vm/disk.qcow2', name: '-x' }],
    ['an overlay anywhere', ['overlay', '/vm/base.qcow2', "new 'q' $(x).qcow2"], {}, { kind: 'overlay', image: '/vm/base.qcow2', path: "/srv/vm/new 'q' $(x).qcow2" }],
    ['an overlay with a linked clone', ['overlay', '../base.qcow2', '/vm/c.qcow2'], { clone: 'web-2' }, { kind: 'overlay', image: '/srv/base.qcow2', clone: { uri: 'qemu:///system', domain: '', name: 'web-2' } }],
    ['a convert', ['convert', './seed.img', 'seed.qcow2'], {}, { kind: 'convert', image: '/srv/vm/seed.img', path: '/srv/vm/seed.qcow2' }],
    ['a check of a chain, repairing leaks', ['check', '/vm/a.qcow2'], { chain: true, repair: 'leaks' }, { kind: 'check', image: '/vm/a.qcow2', chain: true, repair: 'leaks' }],
    ['a revert as the snapshot was', ['revert', 'web', 'before update'], {}, { kind: 'revert', uri: 'qemu:///system', domain: 'web', snapshot: 'before update', files: {} }],
    ['a revert left paused, its new overlay named', ['revert', 'web', 's1'], { paused: true, file: ['vda=./web.r.qcow2'] }, { kind: 'revert', state: 'paused', files: { vda: '/srv/vm/web.r.qcow2' } }],
    ['a revert running', ['revert', 'web', '-s'], { running: true }, { kind: 'revert', snapshot: '-s', state: 'running' }],
    ['an image revert: the word is a path', ['revert', './disk.qcow2', 'int'], {}, { kind: 'image-revert', image: '/srv/vm/disk.qcow2', name: 'int' }],
    ['a clone from a snapshot', ['clone', 'web', 's1', 'web 2'], {}, { kind: 'clone', uri: 'qemu:///system', domain: 'web', snapshot: 's1', name: 'web 2', files: {} }],
    ["a domain's snapshot deleted", ['delete', 'web', 'before update'], {}, { kind: 'delete', uri: 'qemu:///system', domain: 'web', snapshot: 'before update', children: false, metadataOnly: false }],
    ['a snapshot and those below it, records only', ['delete', 'web', 's1'], { children: true, 'metadata-only': true }, { kind: 'delete', domain: 'web', snapshot: 's1', children: true, metadataOnly: true }],
    ["an image's internal snapshot: the word is a path", ['delete', './disk.qcow2', 'snap1'], {}, { kind: 'image-snapshot-delete', image: '/srv/vm/disk.qcow2', name: 'snap1' }],
    ['a commit into the backing file', ['commit', './sn3.qcow2'], {}, { kind: 'commit', image: '/srv/vm/sn3.qcow2', keepMetadata: false }],
    ['a commit further down, the records kept', ['commit', '/vm/sn3.qcow2'], { into: '../base.qcow2', 'keep-metadata': true }, { kind: 'commit', image: '/vm/sn3.qcow2', into: '/srv/base.qcow2', keepMetadata: true }],
    ['a pull down to a base', ['pull', './sn3.qcow2'], { base: './sn1.qcow2' }, { kind: 'pull', image: '/srv/vm/sn3.qcow2', base: '/srv/vm/sn1.qcow2', keepMetadata: false }],
    ['a flatten: a pull with no base', ['pull', '/vm/sn3.qcow2'], {}, { kind: 'pull', image: '/vm/sn3.qcow2', keepMetadata: false }],
  ])('%s', (_, line, values, expected) => {
    const intent = words(line, values as IntentValues);
    expect(intent).toMatchObject(expected);
    if (intent.kind !== 'overlay' || intent.clone === undefined) expect(Intent.safeParse(intent).success).toBe(true);
  });

  it.each([
    ['nothing named', [], {}, 'name what to change'],
    ['an unknown intent', ['merge', 'web', 's1'], {}, 'Unknown intent "merge"'],
    ['running and paused at once', ['revert', 'web', 's'], { running: true, paused: true }, 'exclude each other'],
    ['options on an image revert', ['revert', '/vm/a', 's'], { paused: true }, '--paused does not go with revert IMAGE'],
    ['an option of another intent on a revert', ['revert', 'web', 's'], { memory: true }, '--memory does not go with revert DOMAIN'],
    ['a clone of a path', ['clone', './a.qcow2', 's', 'n'], {}, 'not the path "./a.qcow2"'],
    ['a clone without its new name', ['clone', 'web', 's'], {}, 'clone takes DOMAIN SNAPSHOT NEW_DOMAIN'],
    ['--running on a clone', ['clone', 'web', 's', 'n'], { running: true }, '--running does not go with clone'],
    ['delete without its snapshot', ['delete', 'web'], {}, 'delete takes DOMAIN|IMAGE SNAPSHOT, got "web"'],
    ["a domain's options on an image", ['delete', '/vm/a.qcow2', 's'], { children: true }, '--children does not go with delete IMAGE'],
    ['another intent\'s option on delete', ['delete', 'web', 's'], { chain: true }, '--chain does not go with delete DOMAIN'],
    ['a word missing', ['overlay', '/vm/a.qcow2'], {}, 'overlay takes IMAGE NEW, got "/vm/a.qcow2"'],
    ['a word too many', ['check', '/vm/a.qcow2', 'b'], {}, 'check takes IMAGE'],
    ['an image that is not a path', ['convert', 'seed.img', 'x.qcow2'], {}, '"seed.img" is not an image path'],
    ['an empty new path', ['convert', '/vm/seed.img', ''], {}, 'empty path'],
    ['an option of another intent', ['overlay', '/vm/a', '/vm/b'], { live: true }, '--live does not go with overlay'],
    ['options on an image snapshot', ['snapshot', '/vm/a', 's'], { 'disk-only': true }, '--disk-only does not go with snapshot IMAGE'],
    ['disk-only and memory at once', ['snapshot', 'web', 's'], { 'disk-only': true, memory: true }, 'exclude each other'],
    ['a file for an internal snapshot', ['snapshot', 'web', 's'], { file: ['vda=/vm/x'] }, 'add --disk-only or --memory'],
    ['a file without its disk', ['snapshot', 'web', 's'], { 'disk-only': true, file: ['/vm/x'] }, '--file takes DISK=PATH'],
    ['a disk named twice', ['snapshot', 'web', 's'], { 'disk-only': true, file: ['vda=/a', 'vda=/b'] }, 'names disk vda twice'],
    ['live without memory', ['snapshot', 'web', 's'], { live: true }, '--live is for a checkpoint'],
    ['an unknown repair', ['check', '/vm/a'], { repair: 'some' }, '--repair takes leaks or all'],
    ['a commit of a domain name', ['commit', 'web'], {}, '"web" is not an image path'],
    ['a commit into a bare word', ['commit', '/vm/a'], { into: 'base' }, '"base" is not an image path'],
    ["a pull's option on a commit", ['commit', '/vm/a'], { base: '/vm/b' }, '--base does not go with commit'],
    ["a commit's option on a pull", ['pull', '/vm/a'], { into: '/vm/b' }, '--into does not go with pull'],
    ['a pull of two images', ['pull', '/vm/a', '/vm/b'], {}, 'pull takes IMAGE, got "/vm/a" "/vm/b"'],
  ])('refuses %s', (_, line, values, message) => {
    expect(() => words(line, values as IntentValues)).toThrow(message);
  });

  it('snapshot, revert and delete read a bare word as a domain, a path as an image, alike', () => {
    for (const verb of ['snapshot', 'revert', 'delete']) {
      expect(intentOf([verb, 'disk.qcow2', 's'], {}, where), verb).toMatchObject({ domain: 'disk.qcow2' });
      expect(intentOf([verb, './disk.qcow2', 's'], {}, where), verb).toMatchObject({ image: '/srv/vm/disk.qcow2' });
    }
  });
});
