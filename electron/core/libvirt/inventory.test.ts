import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forest } from '../../../shared/images/model.js';
import { linkInventory } from '../../../shared/libvirt/link.js';
import type { Connection, Domain } from '../../../shared/libvirt/model.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { scanPaths } from '../images/scan.js';
import { canonicalPaths } from './canonical.js';
import { testDomains, URI, virsh, type TestDomains } from './domains.test-support.js';
import { inventoryConnection, refreshDomains } from './inventory.js';
import { SnapshotCache } from './snapshot-cache.js';

const host = new LocalHost();
const bin = fileURLToPath(new URL('../../../bin/snaptree.js', import.meta.url));
const HOSTILE = `it's "x"; echo pwned \\ $(id)`;
let domains: TestDomains;
let running: { name: string; disk: string };
let stopped: { name: string; disk: string };

async function inventory(): Promise<Connection> {
  return inventoryConnection(host, '/usr/bin/virsh', URI);
}
/**
 * A shut-off domain that was never started, with an internal snapshot and two disk-only
 * external ones made offline: its persistent definition names the last overlay alone.
 */
function offlineWithSnapshots(name: string): { name: string; disk: string; remove(): void } {
  const offline = domains.define(name);
  virsh('snapshot-create-as', offline.name, 'int0');
  for (const step of ['ext1', 'ext2']) {
    virsh('snapshot-create-as', offline.name, step, '--disk-only', '--diskspec', `vda,snapshot=external,file=${join(domains.dir, `${name}.${step}.qcow2`)}`);
  }
  return {
    ...offline,
    remove() {
      virsh('undefine', offline.name, '--snapshots-metadata');
      for (const step of ['ext1', 'ext2']) rmSync(join(domains.dir, `${name}.${step}.qcow2`));
    },
  };
}

/** The active layers of this test's own domains: other domains of the host are not ours to read. */
function ownDisks(connection: Connection): string[] {
  return connection.domains.filter((domain) => domain.name.startsWith(`${domains.prefix}-`)).flatMap((domain) => domain.disks.flatMap((disk) => disk.activePath ?? []));
}
function domainOf(connection: Connection, name: string): Domain {
  const domain = connection.domains.find((candidate) => candidate.name === name);
  if (!domain) throw new Error(`${name} not in the inventory`);
  return domain;
}
async function linked(): Promise<{ forest: Forest; connection: Connection; domain: Domain; stoppedDomain: Domain }> {
  const connection = await inventory();
  const forest = await scanPaths(host, [domains.dir], ownDisks(connection));
  const result = linkInventory(forest.images, [connection], canonicalPaths());
  return {
    forest: { ...forest, images: result.images },
    connection: result.connections[0]!,
    domain: domainOf(result.connections[0]!, running.name),
    stoppedDomain: domainOf(result.connections[0]!, stopped.name),
  };
}

beforeAll(() => {
  domains = testDomains();
  running = domains.define('running', { start: true });
  const dir = domains.dir;
  virsh('snapshot-create-as', running.name, 'int1', 'internal, with memory');
  virsh('snapshot-create-as', running.name, 'ext1', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${join(dir, 'running.ext1.qcow2')}`);
  virsh('snapshot-create-as', running.name, 'ext two', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${join(dir, 'running.ext2.qcow2')}`);
  virsh('snapshot-create-as', running.name, 'mem1', '--memspec', `file=${join(dir, 'mem1.mem')},snapshot=external`, '--diskspec', `vda,snapshot=external,file=${join(dir, 'running.mem1.qcow2')}`);
  stopped = domains.define('stopped');
  virsh('snapshot-create-as', stopped.name, 'off1');
  virsh('snapshot-create-as', stopped.name, 'off2', 'before upgrade');
  // Names virsh would take for options, and spaces at both ends: libvirt accepts both.
  virsh('snapshot-create-as', '--domain', stopped.name, '--name', '--x');
  virsh('snapshot-create-as', '--domain', stopped.name, '--name', ' padded ');
  // A name virsh's own command parser must not split or run: batch mode parses it.
  virsh('snapshot-create-as', stopped.name, HOSTILE, 'quotes, a semicolon and a command');
}, 120_000);
afterAll(() => domains?.remove());

/** What virsh says of one snapshot, asked one command at a time. */
function virshSnapshot(domain: string, name: string) {
  const info = virsh('snapshot-info', '--domain', domain, '--snapshotname', name);
  const field = (key: string) => new RegExp(`^${key}:\\s+(.*)$`, 'm').exec(info)?.[1]?.trim();
  const xml = virsh('snapshot-dumpxml', '--domain', domain, '--snapshotname', name);
  // Only the snapshot's own <disks>, not the saved domain definitions that follow them.
  const own = /<disks>([\s\S]*?)<\/disks>/.exec(xml)?.[1] ?? '';
  const disks = [...own.matchAll(/<disk name='(\w+)' snapshot='(\w+)'[^>]*?(\/>|>([\s\S]*?)<\/disk>)/g)].map((m) => ({
    target: m[1],
    snapshot: m[2],
    file: /<source file='([^']*)'/.exec(m[4] ?? '')?.[1] ?? null,
  }));
  return {
    name,
    // From the XML: snapshot-info pads its columns, which hides spaces around a name.
    parent: /<parent>\s*<name>([^<]*)<\/name>/.exec(xml)?.[1] ?? null,
    state: field('State'),
    current: field('Current') === 'yes',
    memory: /<memory snapshot='(\w+)'/.exec(xml)?.[1],
    memoryFile: /<memory snapshot='\w+' file='([^']*)'/.exec(xml)?.[1] ?? null,
    disks,
  };
}

describe('the inventory of a real libvirt daemon', () => {
  it('agrees with virsh on every snapshot: name, parent, state, current, memory, disks and files', async () => {
    const connection = await inventory();
    expect(connection).toMatchObject({ reachable: true, libvirtVersion: expect.stringMatching(/^\d+\.\d+/) });
    for (const domainName of [running.name, stopped.name]) {
      const domain = domainOf(connection, domainName);
      const names = virsh('snapshot-list', domainName, '--name').split('\n').filter(Boolean);
      expect(domain.snapshots.map((snapshot) => snapshot.name).sort()).toEqual([...names].sort());
      for (const snapshot of domain.snapshots) {
        const theirs = virshSnapshot(domainName, snapshot.name);
        expect({ name: snapshot.name, parent: snapshot.parent, state: snapshot.state, current: snapshot.current, memory: snapshot.memory, memoryFile: snapshot.memoryFile, disks: snapshot.disks }).toEqual(theirs);
      }
    }
  });

  it("reads the same snapshots from libvirt's metadata files as from snapshot-dumpxml", async () => {
    // Every virsh script run, to see that the files were read instead of asking virsh.
    const scripts: string[] = [];
    const recording: Host = {
      name: host.name,
      run: (command) => {
        scripts.push(command.argv.join(' '));
        return host.run(command);
      },
      stream: (command) => host.stream(command),
      follow: (argv, onLine) => host.follow(argv, onLine),
      converse: (argv, onStdout, options) => host.converse(argv, onStdout, options),
      findProgram: (program) => host.findProgram(program),
      defaultLibvirtUri: () => host.defaultLibvirtUri(),
    };
    const fromFiles = await inventoryConnection(recording, '/usr/bin/virsh', URI);
    // Of this test's own domains (virsh is asked by UUID): another test's guest, snapshotted
    // meanwhile, may be asked of virsh.
    const own = virsh('list', '--all', '--name').split('\n').filter((name) => name.startsWith(`${domains.prefix}-`)).map((name) => virsh('domuuid', name).trim());
    expect(scripts.filter((script) => script.includes('snapshot-dumpxml') && own.some((uuid) => script.includes(uuid)))).toEqual([]);
    const fromVirsh = await inventoryConnection(host, '/usr/bin/virsh', URI, { metadataRoot: null });
    for (const name of [running.name, stopped.name]) {
      expect(domainOf(fromFiles, name).snapshots.length).toBeGreaterThan(2);
      expect(domainOf(fromFiles, name).snapshots).toEqual(domainOf(fromVirsh, name).snapshots);
    }
  });

  it('takes a metadata file only when it is the snapshot of that very domain', async () => {
    // A state folder of the test's own: one file of the snapshot as libvirt would write
    // it, one under the snapshot's name but saved from another domain.
    const root = join(domains.dir, 'libvirt-state');
    const folder = join(root, 'snapshot', stopped.name);
    mkdirSync(folder, { recursive: true });
    const uuid = virsh('domuuid', stopped.name).trim();
    const saved = (name: string) => virsh('snapshot-dumpxml', stopped.name, name);
    writeFileSync(join(folder, 'off1.xml'), saved('off1').replace('<name>off1</name>', '<name>off1</name><description>from the file</description>'));
    writeFileSync(join(folder, 'off2.xml'), saved('off2').replace('before upgrade', 'from a stranger').replaceAll(uuid, '00000000-0000-4000-8000-00000000dead'));
    const connection = await inventoryConnection(host, '/usr/bin/virsh', URI, { metadataRoot: root });
    const description = (name: string) => domainOf(connection, stopped.name).snapshots.find((s) => s.name === name)?.description;
    expect(description('off1')).toBe('from the file');
    expect(description('off2')).toBe('before upgrade');
    // No file at all: virsh answers.
    expect(description(HOSTILE)).toBe('quotes, a semicolon and a command');
  });

  it('reads domains by UUID with their state, and the whole live chain of a running disk', async () => {
    const connection = await inventory();
    const domain = domainOf(connection, running.name);
    expect(domain.uuid).toBe(virsh('domuuid', running.name).trim());
    expect(domain).toMatchObject({ state: 'running', persistent: true });
    expect(domain.disks[0]).toMatchObject({
      target: 'vda',
      format: 'qcow2',
      activePath: join(domains.dir, 'running.mem1.qcow2'),
      chain: [join(domains.dir, 'running.mem1.qcow2'), join(domains.dir, 'running.ext2.qcow2'), join(domains.dir, 'running.ext1.qcow2'), running.disk],
    });
    expect(domainOf(connection, stopped.name)).toMatchObject({ state: 'shut off', stateReason: expect.any(String) });
    expect(domainOf(connection, stopped.name).snapshots.find((s) => s.name === 'off2')?.description).toBe('before upgrade');
    expect(domainOf(connection, stopped.name).snapshots.find((s) => s.name === HOSTILE)).toMatchObject({ description: 'quotes, a semicolon and a command', parent: ' padded ', current: true });
  });

  it('links every image of the chain to the domain, with the active layer marked', async () => {
    const { forest } = await linked();
    const image = (file: string) => forest.images.find((candidate) => candidate.path === join(domains.dir, file))!;
    expect(image('running.mem1.qcow2').usedBy).toEqual([expect.objectContaining({ domain: running.name, target: 'vda', active: true })]);
    expect(image('running.qcow2').usedBy).toEqual([expect.objectContaining({ domain: running.name, target: 'vda', active: false })]);
    expect(image('stopped.qcow2').usedBy).toEqual([expect.objectContaining({ domain: stopped.name, active: true })]);
  });

  it('links each snapshot to the files that hold its state', async () => {
    const { domain, stoppedDomain } = await linked();
    const snapshot = (name: string) => domain.snapshots.find((candidate) => candidate.name === name)!;
    // Internal: the image carrying it. External: the backing file below the overlay made then.
    expect(snapshot('int1').stateFiles).toEqual([running.disk]);
    expect(snapshot('ext1').stateFiles).toEqual([running.disk]);
    expect(snapshot('ext two').stateFiles).toEqual([join(domains.dir, 'running.ext1.qcow2')]);
    expect(snapshot('mem1').stateFiles).toEqual([join(domains.dir, 'running.ext2.qcow2')]);
    expect(stoppedDomain.snapshots.map((s) => s.stateFiles)).toEqual(stoppedDomain.snapshots.map(() => [stopped.disk]));
    expect(stoppedDomain.snapshots).toHaveLength(5);
    expect(domain.snapshots.flatMap((s) => s.problems)).toEqual([]);
    expect(domain.problems).toEqual([]);
  });

  it('follows the image headers where the persistent definition names only the active layer', async () => {
    // Never started: libvirt keeps no <backingStore> for the overlays its offline
    // disk-only snapshots made, so the chain below them is in the headers alone.
    const offline = offlineWithSnapshots('offline');
    const { forest, connection } = await linked();
    const domain = domainOf(connection, offline.name);
    expect(domain.disks[0]!.chain).toEqual([join(domains.dir, 'offline.ext2.qcow2')]);
    const snapshot = (name: string) => domain.snapshots.find((s) => s.name === name)!;
    expect(domain.snapshots.flatMap((s) => s.problems)).toEqual([]);
    expect(snapshot('int0').stateFiles).toEqual([offline.disk]);
    expect(snapshot('ext1').stateFiles).toEqual([offline.disk]);
    expect(snapshot('ext2').stateFiles).toEqual([join(domains.dir, 'offline.ext1.qcow2')]);
    const users = (file: string) => forest.images.find((image) => image.path === file)?.usedBy;
    expect(users(offline.disk)).toEqual([expect.objectContaining({ domain: offline.name, active: false })]);
    offline.remove();
  });

  it('says "on another branch", not stale, of snapshots whose files a revert took out of the running chain', async () => {
    // Reference 6.1's revert, done by hand: a fresh overlay on ext1's state file, the disk
    // switched to it, ext1 made current. ext2's overlay is now the old branch's, intact.
    const offline = offlineWithSnapshots('branched');
    const fresh = join(domains.dir, 'branched.r1.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', offline.disk, '-F', 'qcow2', fresh]);
    const xml = virsh('dumpxml', '--inactive', offline.name).replace(join(domains.dir, 'branched.ext2.qcow2'), fresh);
    writeFileSync(join(domains.dir, 'branched.xml'), xml);
    virsh('define', join(domains.dir, 'branched.xml'));
    virsh('snapshot-current', offline.name, 'ext1');

    const { connection } = await linked();
    const snapshot = (name: string) => domainOf(connection, offline.name).snapshots.find((s) => s.name === name)!;
    expect(snapshot('ext2')).toMatchObject({ otherBranch: true, problems: [], stateFiles: [join(domains.dir, 'branched.ext1.qcow2')] });
    // ext1's overlay is the old branch's too, but its state is below the new one: NOW's parent.
    expect(snapshot('ext1')).toMatchObject({ otherBranch: false, problems: [], stateFiles: [offline.disk] });
    // The internal one lives in the base, below both branches.
    expect(snapshot('int0')).toMatchObject({ otherBranch: false, problems: [] });
    offline.remove();
    rmSync(fresh);
  });

  it('still calls a snapshot stale whose overlay a manual blockcommit of a middle layer took out: its state file now holds the next snapshot\'s', async () => {
    const guest = domains.define('spliced-out', { start: true });
    const e1 = join(domains.dir, 'spliced-out.e1.qcow2');
    const e2 = join(domains.dir, 'spliced-out.e2.qcow2');
    virsh('snapshot-create-as', guest.name, 'e1', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${e1}`);
    virsh('snapshot-create-as', guest.name, 'e2', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${e2}`);
    // Behind Snaptree's back: e1's layer folded into the base; libvirt puts e2's overlay on the base.
    virsh('blockcommit', guest.name, 'vda', '--top', e1, '--base', guest.disk, '--wait');

    const { connection } = await linked();
    const snapshot = (name: string) => domainOf(connection, guest.name).snapshots.find((s) => s.name === name)!;
    expect(domainOf(connection, guest.name).disks[0]!.chain).toEqual([e2, guest.disk]);
    expect(snapshot('e1')).toMatchObject({ otherBranch: false, problems: [expect.objectContaining({ code: 'stale-snapshot' })] });
    expect(snapshot('e2')).toMatchObject({ otherBranch: false, problems: [] });
    // The domain and its files are this test's own: gone, so that the orphan count below stays the running domain's.
    virsh('destroy', guest.name);
    virsh('undefine', guest.name, '--snapshots-metadata');
    for (const file of [e1, e2, guest.disk]) rmSync(file);
  }, 60_000);

  it('reads a block job started behind its back, and a plan on that domain is refused until it ends', async () => {
    const guest = domains.define('block-job', { start: true });
    const e1 = join(domains.dir, 'block-job.e1.qcow2');
    virsh('snapshot-create-as', guest.name, 'e1', '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${e1}`);
    // As the window last read it, running with no job: its refreshes ask for the job in the round that reads the domain.
    const before = await inventory();
    // Behind Snaptree's back, as a terminal would: an active commit, which waits for a pivot once it is synchronized.
    virsh('blockcommit', guest.name, 'vda', '--active', '--wait');
    const refreshed = await refreshDomains(host, '/usr/bin/virsh', before, [guest.name]);
    expect(domainOf(refreshed, guest.name).disks[0]!.blockJob).toMatchObject({ type: 'Active Block Commit' });
    const env = { ...process.env, XDG_STATE_HOME: join(domains.dir, 'block-job-state'), XDG_DATA_HOME: join(domains.dir, 'block-job-data'), XDG_CONFIG_HOME: join(domains.dir, 'block-job-config') };
    const planSnapshot = () => spawnSync(process.execPath, [bin, 'plan', 'snapshot', guest.name, 'e2', '--disk-only', '--connect', URI], { env, encoding: 'utf8' });
    try {
      const disk = domainOf(await inventory(), guest.name).disks[0]!;
      // Synchronized: libvirt shows cur one short of end until then, equal after.
      expect(disk.blockJob).toMatchObject({ type: 'Active Block Commit', cur: disk.blockJob!.end });
      const refused = planSnapshot();
      expect(refused.status, refused.stderr).toBe(3);
      expect(refused.stderr).toContain(`A block job (Active Block Commit) on the disk vda of ${guest.name}, not started by this plan, has copied everything and waits to be pivoted or aborted`);
      expect(refused.stderr).toContain(`-c ${URI} blockjob --domain ${guest.name} --path vda --pivot\n`);
      expect(refused.stderr).toContain(`-c ${URI} blockjob --domain ${guest.name} --path vda --abort\n`);
    } finally {
      virsh('blockjob', guest.name, 'vda', '--abort');
    }
    expect(domainOf(await inventory(), guest.name).disks[0]!.blockJob).toBeUndefined();
    expect(domainOf(await refreshDomains(host, '/usr/bin/virsh', refreshed, [guest.name]), guest.name).disks[0]!.blockJob).toBeUndefined();
    const planned = planSnapshot();
    expect(planned.status, planned.stderr).toBe(0);
    // The snapshot was only planned: libvirt still has e1 alone, and the disk is still on its overlay.
    expect(virsh('snapshot-list', guest.name, '--name').split('\n').filter(Boolean)).toEqual(['e1']);
    expect(virsh('domblklist', guest.name)).toContain(e1);
    virsh('destroy', guest.name);
    virsh('undefine', guest.name, '--snapshots-metadata');
    for (const file of [e1, guest.disk]) rmSync(file);
  }, 60_000);

  it('links nothing here to a connection on another host, and reports no file of it missing', async () => {
    // The same domains as a daemon on another host would list them: their paths name
    // files there, even where a file of that name exists here.
    // A shut-off one's definition names its active layer alone: what lies below is unknown there.
    const offline = offlineWithSnapshots('remote-offline');
    const connection = { ...(await inventory()), uri: 'qemu+ssh://kvm1.example/system' };
    const forest = await scanPaths(host, [domains.dir], []);
    const result = linkInventory(forest.images, [connection], canonicalPaths());
    expect(result.images.flatMap((image) => image.usedBy)).toEqual([]);
    expect(result.images.flatMap((image) => image.problems).map((problem) => problem.code)).not.toContain('orphan-overlay');
    for (const name of [running.name, offline.name]) {
      const domain = domainOf(result.connections[0]!, name);
      expect(domain.snapshots.length).toBeGreaterThan(2);
      expect(domain.snapshots.map((snapshot) => [snapshot.name, snapshot.stateFiles, snapshot.problems])).toEqual(domain.snapshots.map((snapshot) => [snapshot.name, [], []]));
      expect(domain.problems).toEqual([]);
    }
    offline.remove();
  });

  it('shows the snapshots as stale after a manual blockcommit behind its back', async () => {
    virsh('blockcommit', running.name, 'vda', '--active', '--pivot', '--wait');
    const { domain, forest } = await linked();
    const codes = (name: string) => domain.snapshots.find((s) => s.name === name)!.problems.map((p) => p.code);
    expect(domain.disks[0]!.chain).toEqual([running.disk]);
    expect(codes('ext1')).toEqual(['stale-snapshot']);
    expect(codes('ext two')).toEqual(['stale-snapshot']);
    expect(codes('mem1')).toEqual(['stale-snapshot']);
    // The internal snapshot still lives in the base, which is still the disk.
    expect(codes('int1')).toEqual([]);
    // The overlays left behind are used by nothing now.
    const orphans = forest.images.filter((image) => image.problems.some((p) => p.code === 'orphan-overlay')).map((image) => image.path);
    expect(orphans).toEqual([join(domains.dir, 'running.mem1.qcow2')]);
  }, 60_000);

  it('shows snapshot files deleted behind its back as missing', async () => {
    // After the blockcommit above no domain uses these files any more; they are the test's own.
    rmSync(join(domains.dir, 'running.ext2.qcow2'));
    rmSync(join(domains.dir, 'mem1.mem'));
    const { domain } = await linked();
    const problems = (name: string) => domain.snapshots.find((s) => s.name === name)!.problems;
    expect(problems('ext two')).toEqual([expect.objectContaining({ code: 'snapshot-file-missing', message: expect.stringContaining('running.ext2.qcow2') })]);
    expect(problems('mem1').map((p) => p.code)).toEqual(['snapshot-file-missing', 'stale-snapshot', 'snapshot-file-missing']);
    expect(problems('mem1')[2]!.message).toContain('mem1.mem');
  });

  it('shows a chain mismatch when libvirt spliced in an overlay whose header names another base', async () => {
    const guest = domains.define('mismatch', { start: true });
    const other = join(domains.dir, 'other-base.qcow2');
    const spliced = join(domains.dir, 'spliced.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', other, '64M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', other, '-F', 'qcow2', spliced]);
    // --reuse-external does not check the backing header (reference §3.3).
    virsh('snapshot-create-as', guest.name, 'spliced', '--disk-only', '--reuse-external', '--diskspec', `vda,snapshot=external,file=${spliced}`);
    const connection = await inventory();
    const forest = await scanPaths(host, [domains.dir], ownDisks(connection));
    const domain = domainOf(linkInventory(forest.images, [connection], canonicalPaths()).connections[0]!, guest.name);
    expect(domain.disks[0]!.chain).toEqual([spliced, guest.disk]);
    expect(domain.problems).toEqual([expect.objectContaining({ code: 'chain-mismatch' })]);
    expect(domain.problems[0]!.message).toContain('"' + other + '"');
  }, 60_000);

  it('reads again only the domains an event named: a new snapshot joins, an undefined domain leaves', async () => {
    const cache = new SnapshotCache();
    const before = await inventoryConnection(host, '/usr/bin/virsh', URI, { cache });
    const extra = domains.define('short-lived');
    virsh('snapshot-create-as', stopped.name, 'after-event');
    const after = await refreshDomains(host, '/usr/bin/virsh', before, [stopped.name, extra.name], { cache });
    expect(domainOf(after, stopped.name).snapshots.map((s) => s.name)).toContain('after-event');
    expect(domainOf(after, extra.name).state).toBe('shut off');
    expect(domainOf(after, running.name)).toBe(domainOf(before, running.name));

    virsh('undefine', extra.name);
    const gone = await refreshDomains(host, '/usr/bin/virsh', after, [extra.name], { cache });
    expect(gone.domains.some((domain) => domain.name === extra.name)).toBe(false);
    expect(gone.domains).toHaveLength(after.domains.length - 1);
  });

  it('reports a URI that does not answer with libvirt’s words, and nothing else', async () => {
    const connection = await inventoryConnection(host, '/usr/bin/virsh', 'qemu:///system?socket=/nonexistent/snaptree.sock');
    expect(connection).toMatchObject({ reachable: false, domains: [] });
    expect(connection.error).toContain('Failed to connect socket');
  });
});
