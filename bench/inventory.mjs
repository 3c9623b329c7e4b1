// Budget (design.md §8): snapshot metadata of 50 domains with 40 snapshots each in under
// 2 s, at least 10x faster than one virsh process per command, measured side by side.
// Snapshots are recorded with `snapshot-create --redefine` (metadata only, no disks).
// Ten of the domains run (TCG guests with no OS), so the rounds only a running domain
// costs (its disks' block jobs) are weighed too.
// Needs a libvirt daemon at qemu:///system; removes every domain it defined.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { guestXml, removeGuests } from './core.mjs';

const DOMAINS = Number(process.env.DOMAINS ?? 50);
const SNAPSHOTS = Number(process.env.SNAPSHOTS ?? 40);
const RUNNING = Math.min(DOMAINS, Number(process.env.RUNNING ?? 10));
const URI = 'qemu:///system';
const RUNS = 5;
const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));
const prefix = `snaptree-bench-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));

const virshBatch = (commands) => {
  // Batches stay far below the 128 KiB limit of one argument.
  for (let start = 0; start < commands.length; start += 200) {
    execFileSync('virsh', ['-c', URI, commands.slice(start, start + 200).join('; ')], { stdio: 'ignore' });
  }
};

const names = Array.from({ length: DOMAINS }, (_, i) => `${prefix}-${i}`);
try {
  const defines = names.map((name, i) => {
    const file = join(dir, `${name}.xml`);
    writeFileSync(
      file,
      guestXml(name, join(dir, `disk-${i}.qcow2`)),
    );
    return `define ${file}`;
  });
  virshBatch(defines);
  const snapshotCommands = [];
  for (const name of names) {
    const domainXml = execFileSync('virsh', ['-c', URI, 'dumpxml', '--inactive', name], { encoding: 'utf8' });
    for (let s = 0; s < SNAPSHOTS; s++) {
      const file = join(dir, `${name}-snap-${s}.xml`);
      const parent = s === 0 ? '' : `<parent><name>snap-${s - 1}</name></parent>`;
      writeFileSync(file, `<domainsnapshot><name>snap-${s}</name>${parent}<state>shutoff</state><creationTime>${1795330000 + s}</creationTime><memory snapshot='no'/><disks><disk name='vda' snapshot='internal'/></disks>${domainXml}</domainsnapshot>`);
      snapshotCommands.push(`snapshot-create ${name} ${file} --redefine${s === SNAPSHOTS - 1 ? ' --current' : ''}`);
    }
  }
  virshBatch(snapshotCommands);
  for (let i = 0; i < RUNNING; i++) execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, `disk-${i}.qcow2`), '64M']);
  virshBatch(names.slice(0, RUNNING).map((name) => `start ${name}`));

  const medianScan = (uri) => {
    const times = [];
    for (let run = 0; run < RUNS; run++) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [bin, 'scan', '--connect', uri, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (result.status !== 0) throw new Error(result.stderr);
      if (run === 0) {
        const ours = JSON.parse(result.stdout).domains.filter((domain) => domain.name.startsWith(prefix));
        console.log(`${uri}: inventory found ${ours.length} domains, ${ours.reduce((sum, domain) => sum + domain.snapshots.length, 0)} snapshots`);
      }
    }
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  };
  const ours = medianScan(URI);
  // The same daemon through an explicit transport: Snaptree then cannot know where the
  // daemon keeps its files and asks virsh for every snapshot, as for a remote host.
  const throughVirsh = medianScan('qemu+unix:///system');

  // Live: the window's core reads everything once, then a snapshot made in a terminal
  // reaches it as an event; measured until the new inventory has been read.
  const serve = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = new URL(await new Promise((resolve) => serve.stdout.on('data', (chunk) => /serving at (\S+)/.exec(String(chunk)) && resolve(/serving at (\S+)/.exec(String(chunk))[1]))));
  // As the page does: the token from the URL's fragment, offered as a subprotocol.
  const token = new URLSearchParams(url.hash.slice(1)).get('token');
  const socket = new WebSocket(`ws://${url.host}/api`, ['snaptree', `snaptree.token.${token}`], { headers: { origin: url.origin } });
  await new Promise((resolve) => socket.once('open', resolve));
  const ask = (id, name) =>
    new Promise((resolve) => {
      const onMessage = (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'reply' && frame.id === id) {
          socket.off('message', onMessage);
          resolve(frame.reply);
        }
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, name, arg: {} }));
    });
  const coldStart = process.hrtime.bigint();
  // The first answer may come before libvirt was read: wait for the inventory event too.
  const firstRead = new Promise((resolve) => socket.on('message', (data) => JSON.parse(String(data)).event === 'inventoryChanged' && resolve()));
  await ask(1, 'inventoryGet');
  await firstRead;
  const cold = Number(process.hrtime.bigint() - coldStart) / 1e6;
  const changed = new Promise((resolve) => socket.on('message', (data) => JSON.parse(String(data)).event === 'inventoryChanged' && resolve(process.hrtime.bigint())));
  const domainXml = execFileSync('virsh', ['-c', URI, 'dumpxml', '--inactive', names[0]], { encoding: 'utf8' });
  const file = join(dir, 'live.xml');
  writeFileSync(file, `<domainsnapshot><name>live</name><parent><name>snap-${SNAPSHOTS - 1}</name></parent><state>shutoff</state><creationTime>1795339999</creationTime><memory snapshot='no'/><disks><disk name='vda' snapshot='internal'/></disks>${domainXml}</domainsnapshot>`);
  const madeAt = process.hrtime.bigint();
  execFileSync('virsh', ['-c', URI, 'snapshot-create', names[0], file, '--redefine', '--current'], { stdio: 'ignore' });
  const live = Number((await changed) - madeAt) / 1e6;
  socket.close();
  serve.kill('SIGTERM');

  // The plain way: one virsh process per command, the same commands.
  const virsh = (...args) => execFileSync('virsh', ['-c', URI, ...args], { encoding: 'utf8' });
  const started = process.hrtime.bigint();
  const uuids = virsh('list', '--all', '--uuid').split('\n').filter(Boolean);
  virsh('list', '--all', '--persistent', '--uuid');
  for (const uuid of uuids) {
    const running = !virsh('domstate', uuid, '--reason').startsWith('shut off');
    virsh('dumpxml', uuid);
    // Each disk's block job, as the inventory reads it where a QEMU runs (the bench's guests have vda alone).
    if (running) spawnSync('virsh', ['-c', URI, 'blockjob', uuid, 'vda', '--raw'], { stdio: 'ignore' });
    const snapshots = virsh('snapshot-list', uuid, '--name').split('\n').filter(Boolean);
    try {
      virsh('snapshot-current', uuid, '--name');
    } catch {
      // no current snapshot
    }
    for (const snapshot of snapshots) virsh('snapshot-dumpxml', uuid, snapshot);
  }
  const plain = Number(process.hrtime.bigint() - started) / 1e6;

  console.log(`domains x snapshots                  ${DOMAINS} x ${SNAPSHOTS}, ${RUNNING} of them running`);
  console.log(`snaptree scan --connect (median)     ${ours.toFixed(0)} ms   (budget 2000 ms, whole process)`);
  console.log(`same, every snapshot through virsh    ${throughVirsh.toFixed(0)} ms   (remote hosts; users who cannot read libvirt's files)`);
  console.log(`one virsh process per command        ${plain.toFixed(0)} ms`);
  console.log(`ratio                                ${(plain / ours).toFixed(1)}x faster   (budget 10x)`);
  console.log(`the window's first inventory         ${cold.toFixed(0)} ms`);
  console.log(`a new snapshot reaching the window   ${live.toFixed(0)} ms   (budget 1000 ms; only the changed domain is read again)`);
} finally {
  removeGuests(names);
  rmSync(dir, { recursive: true, force: true });
}
