import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { virshLine } from '../../electron/core/libvirt/batch.js';
import type { Argv } from '../argv.js';
import { blockcommitArgv } from './blockcommit.js';
import { blockjobArgv } from './blockjob.js';
import { blockpullArgv } from './blockpull.js';
import { virshArgv } from './connection.js';
import { defineArgv, dumpxmlInactiveArgv } from './define.js';
import { screenshotArgv } from './screenshot.js';
import { snapshotCreateAsArgv } from './snapshot-create-as.js';
import { snapshotDeleteArgv } from './snapshot-delete.js';
import { destroyArgv, managedsaveRemoveArgv, restoreArgv, saveImageDumpxmlArgv, snapshotCurrentArgv, snapshotDumpxmlArgv, startArgv } from './revert.js';
import { snapshotRevertArgv } from './snapshot-revert.js';

const system = { virsh: 'virsh', uri: 'qemu:///system' };
const prefix = ['virsh', '-c', 'qemu:///system'];

describe('virsh argv, built before anything runs', () => {
  it.each([
    ['an internal snapshot', snapshotCreateAsArgv(system, 'vm', 'before update', { kind: 'internal' }), ['snapshot-create-as', '--domain', 'vm', '--name', 'before update']],
    [
      'an external snapshot of two disks, all or none',
      snapshotCreateAsArgv(system, 'vm', 's1', { kind: 'external', disks: [{ target: 'vda', file: '/vm/a.s1' }, { target: 'vdb', file: '/vm/b,c.s1' }] }, { description: 'why' }),
      ['snapshot-create-as', '--domain', 'vm', '--name', 's1', '--description', 'why', '--disk-only', '--atomic', '--diskspec', 'vda,snapshot=external,file=/vm/a.s1', '--diskspec', 'vdb,snapshot=external,file=/vm/b,,c.s1'],
    ],
    [
      'a checkpoint keeps the memory instead of being disk-only',
      snapshotCreateAsArgv(system, 'vm', 's1', { kind: 'external', disks: [{ target: 'vda', file: '/vm/a.s1' }], memoryFile: '/vm/s1,mem' }),
      ['snapshot-create-as', '--domain', 'vm', '--name', 's1', '--memspec', 'file=/vm/s1,,mem,snapshot=external', '--atomic', '--diskspec', 'vda,snapshot=external,file=/vm/a.s1'],
    ],
    [
      'a live checkpoint, quiesced, with a cdrom left out',
      snapshotCreateAsArgv(system, 'vm', 's1', { kind: 'external', disks: [{ target: 'vda', file: '/vm/a.s1' }], memoryFile: '/vm/s1.mem', skip: ['sda'] }, { live: true, quiesce: true }),
      ['snapshot-create-as', '--domain', 'vm', '--name', 's1', '--live', '--quiesce', '--memspec', 'file=/vm/s1.mem,snapshot=external', '--atomic', '--diskspec', 'vda,snapshot=external,file=/vm/a.s1', '--diskspec', 'sda,snapshot=no'],
    ],
    ['a screenshot', screenshotArgv(system, 'vm', '/data/s1.ppm'), ['screenshot', '--domain', 'vm', '--file', '/data/s1.ppm']],
    ['the persistent definition with its secrets', dumpxmlInactiveArgv(system, 'vm'), ['dumpxml', '--inactive', '--domain', 'vm', '--security-info']],
    ['a define from a pipe', defineArgv(system, '/dev/stdin'), ['define', '--file', '/dev/stdin']],
    ['a revert that leaves the guest paused', snapshotRevertArgv(system, 'vm', 's1', { then: 'paused' }), ['snapshot-revert', '--domain', 'vm', '--snapshotname', 's1', '--paused']],
    ['a forced revert, running', snapshotRevertArgv(system, 'vm', 's1', { then: 'running', force: true }), ['snapshot-revert', '--domain', 'vm', '--snapshotname', 's1', '--running', '--force']],
    ['a revert as the snapshot was', snapshotRevertArgv(system, 'vm', 's1', {}), ['snapshot-revert', '--domain', 'vm', '--snapshotname', 's1']],
    ['a domain stopped at once', destroyArgv(system, 'vm'), ['destroy', '--domain', 'vm']],
    ['a domain started paused', startArgv(system, 'vm', { paused: true }), ['start', '--domain', 'vm', '--paused']],
    ['a managed save dropped', managedsaveRemoveArgv(system, 'vm'), ['managedsave-remove', '--domain', 'vm']],
    ['a snapshot made current', snapshotCurrentArgv(system, 'vm', 's1'), ['snapshot-current', '--domain', 'vm', '--snapshotname', 's1']],
    ['the XML saved with a memory image', saveImageDumpxmlArgv(system, '/vm/s1.mem'), ['save-image-dumpxml', '--file', '/vm/s1.mem', '--security-info']],
    ['a restore on edited disks, paused', restoreArgv(system, '/vm/s1.mem', '/dev/stdin', 'paused'), ['restore', '--file', '/vm/s1.mem', '--xml', '/dev/stdin', '--paused']],
    ['the definition a snapshot saved', snapshotDumpxmlArgv(system, 'vm', 's1'), ['snapshot-dumpxml', '--domain', 'vm', '--snapshotname', 's1', '--security-info']],
    ['a delete', snapshotDeleteArgv(system, 'vm', 's1'), ['snapshot-delete', '--domain', 'vm', '--snapshotname', 's1']],
    ['a delete of the record only', snapshotDeleteArgv(system, 'vm', 's1', { metadataOnly: true }), ['snapshot-delete', '--domain', 'vm', '--snapshotname', 's1', '--metadata']],
    ['a commit of a lower layer', blockcommitArgv(system, 'vm', 'vda', { kind: 'layer', top: 'vda[2]' }, { base: 'vda[3]' }), ['blockcommit', '--domain', 'vm', '--path', 'vda', '--top', 'vda[2]', '--base', 'vda[3]', '--wait', '--verbose']],
    ['a commit of the active layer pivots', blockcommitArgv(system, 'vm', 'vda', { kind: 'active' }), ['blockcommit', '--domain', 'vm', '--path', 'vda', '--active', '--pivot', '--wait', '--verbose']],
    ['a pull', blockpullArgv(system, 'vm', 'vda', { base: '/vm/base.qcow2' }), ['blockpull', '--domain', 'vm', '--path', 'vda', '--base', '/vm/base.qcow2', '--wait', '--verbose']],
    ['a pull of everything', blockpullArgv(system, 'vm', 'vda'), ['blockpull', '--domain', 'vm', '--path', 'vda', '--wait', '--verbose']],
    ['reading a block job', blockjobArgv(system, 'vm', 'vda', 'read'), ['blockjob', '--domain', 'vm', '--path', 'vda', '--raw']],
    ['aborting it', blockjobArgv(system, 'vm', 'vda', 'abort'), ['blockjob', '--domain', 'vm', '--path', 'vda', '--abort']],
    ['pivoting a ready mirror', blockjobArgv(system, 'vm', 'vda', 'pivot'), ['blockjob', '--domain', 'vm', '--path', 'vda', '--pivot']],
  ])('%s', (_, argv, expected) => {
    expect(argv).toEqual([...prefix, ...expected]);
  });

  it.each(['a b', `it's "q"`, '$(touch pwned)', '--x', 'a,b', 'снимок ✓ 日本'])('the name %j is always the value of a named option', (name) => {
    const argvs = [
      snapshotCreateAsArgv(system, name, name, { kind: 'internal' }),
      snapshotRevertArgv(system, name, name, { then: 'running' }),
      snapshotDeleteArgv(system, name, name),
      blockcommitArgv(system, name, 'vda', { kind: 'layer', top: name }, { base: name }),
      blockpullArgv(system, name, 'vda', { base: name }),
      blockjobArgv(system, name, 'vda', 'read'),
      screenshotArgv(system, name, '/data/s.ppm'),
      dumpxmlInactiveArgv(system, name),
      destroyArgv(system, name),
      startArgv(system, name),
      managedsaveRemoveArgv(system, name),
      snapshotCurrentArgv(system, name, name),
      snapshotDumpxmlArgv(system, name, name),
    ];
    for (const argv of argvs) {
      argv.forEach((token, index) => {
        if (token === name) expect(argv[index - 1]).toMatch(/^--(domain|name|snapshotname|top|base)$/);
      });
      expect(argv).toContain(name);
    }
  });

  it('a file name in a --diskspec keeps its commas and everything else', () => {
    const argv = snapshotCreateAsArgv(system, 'vm', 's', { kind: 'external', disks: [{ target: 'vda', file: `/vm/-a,b "c" $(d) ✓` }] });
    expect(argv.at(-1)).toBe(`vda,snapshot=external,file=/vm/-a,,b "c" $(d) ✓`);
  });
});

describe('virsh accepts the built argv', () => {
  /** The test driver keeps state within one virsh process only, so the commands run as one batch, quoted as the inventory quotes them. */
  const batch = (argvs: readonly Argv[]): string =>
    argvs.map((argv) => virshLine(argv.slice(3))).join('; ');
  const test = { virsh: 'virsh', uri: 'test:///default' };

  it('a snapshot named like an option is created, reverted to and deleted on the test driver', () => {
    const name = `--x, "q" $(y) ✓`;
    const script = batch([
      snapshotCreateAsArgv(test, 'test', name, { kind: 'internal' }),
      virshArgv(test, 'snapshot-list', ['--domain', 'test', '--name']),
      snapshotRevertArgv(test, 'test', name, { then: 'paused' }),
      virshArgv(test, 'domstate', ['--domain', 'test']),
      snapshotDeleteArgv(test, 'test', name),
      virshArgv(test, 'snapshot-list', ['--domain', 'test', '--name']),
    ]);
    const stdout = execFileSync('virsh', ['-c', 'test:///default', script], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    expect(stdout).toBe(`Domain snapshot ${name} created\n${name}\n\nDomain snapshot ${name} reverted\n\npaused\n\nDomain snapshot ${name} deleted\n\n\n`);
  });
});
