// Budgets of the change path (issue 10, design.md §8), measured side by side in one run:
// - a job costs at most 5% more wall time than its bare command: a convert of a 1 GiB image
//   holding data, and an external snapshot of a running domain;
// - planning an intent on a 10,000-image forest: under 50 ms;
// - the first progress update reaches the window within 0.5 s of the job's start.
// Jobs run through the window's core (`snaptree serve`, over its WebSocket, as the page
// does). Needs qemu-img, and a libvirt daemon at qemu:///system for the snapshot part
// (skipped, and said, without one). Removes every file and domain it made. Not a test.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { makeForest } from './forest.mjs';

const CONVERT_MIB = Number(process.env.CONVERT_MIB ?? 1024);
const RUNS = 3;
const URI = 'qemu:///system';
const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));
const prefix = `snaptree-bench-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The window's core, reached as the page reaches it. */
async function serveCore() {
  const home = join(dir, 'home');
  const env = { ...process.env, LIBVIRT_DEFAULT_URI: URI, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state') };
  const serve = spawn(process.execPath, [bin, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new URL(await new Promise((resolve) => serve.stdout.on('data', (chunk) => /serving at (\S+)/.exec(String(chunk)) && resolve(/serving at (\S+)/.exec(String(chunk))[1]))));
  const token = new URLSearchParams(url.hash.slice(1)).get('token');
  const socket = new WebSocket(`ws://${url.host}/api`, ['snaptree', `snaptree.token.${token}`], { headers: { origin: url.origin } });
  await new Promise((resolve) => socket.once('open', resolve));
  let nextId = 1;
  const listeners = new Set();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    for (const listener of listeners) listener(frame);
  });
  const ask = (name, arg = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const listener = (frame) => {
        if (frame.type !== 'reply' || frame.id !== id) return;
        listeners.delete(listener);
        if (frame.reply.ok) resolve(frame.reply.result);
        else reject(new Error(`${name}: ${frame.reply.error.message}`));
      };
      listeners.add(listener);
      socket.send(JSON.stringify({ id, name, arg }));
    });
  /** Resolves with the time of the first event that `matches`. */
  const when = (matches) =>
    new Promise((resolve) => {
      const listener = (frame) => {
        if (frame.type === 'event' && matches(frame.event, frame.payload)) {
          listeners.delete(listener);
          resolve(now());
        }
      };
      listeners.add(listener);
    });
  return { ask, when, stop: () => (socket.close(), serve.kill('SIGTERM')) };
}

/**
 * A job through the core, as the window runs one: plan, start the plan shown, wait for its
 * end. Returns the wall time from the start request to the job's end, and when the first
 * progress arrived.
 */
async function jobThroughCore(core, intent) {
  let plan = await core.ask('planMake', { intent });
  if (plan.blockers.length > 0) throw new Error(`blocked: ${plan.blockers.map((b) => b.message).join('; ')}`);
  let id = null;
  const firstProgress = core.when((event, payload) => event === 'jobChanged' && payload.progress !== null && (id === null || payload.job === id));
  const ended = core.when((event, payload) => event === 'jobChanged' && ['done', 'failed', 'cancelled'].includes(payload.state) && (id === null || payload.job === id));
  // The window's view may not have the bare command's change yet (its event is on its way):
  // the start then answers with the plan made afresh, and the user runs that one.
  let started;
  let reply;
  do {
    started = now();
    reply = await core.ask('jobStart', { intent, plan: plan.id });
    if (!reply.started) plan = reply.plan;
  } while (!reply.started);
  const replied = now();
  id = reply.job.id;
  const end = await ended;
  const { jobs } = await core.ask('jobsList');
  const job = jobs.find((candidate) => candidate.id === id);
  if (job.state !== 'done') throw new Error(`job ${job.state}: ${JSON.stringify(job.steps.map((step) => step.error))}`);
  const stepsMs = job.steps.reduce((sum, step) => sum + (Date.parse(step.endedAt) - Date.parse(step.startedAt)), 0);
  if (process.env.BENCH_VERBOSE) console.error(`${intent.kind}: start reply ${(replied - started).toFixed(0)} ms, steps ${stepsMs} ms, all ${(end - started).toFixed(0)} ms`);
  return { wallMs: end - started, overheadMs: end - started - stepsMs, firstProgressMs: (await firstProgress) - started };
}

/** A raw image of `mib` MiB holding random data (what a guest's disk holds, incompressible). */
function rawWithData(path, mib) {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, chunk, 0, chunk.length);
  closeSync(fd);
}

const domains = [];
let core = null;
try {
  core = await serveCore();

  // 1. Convert, raw to qcow2, alternating bare and through the core so that caches even out.
  const images = join(dir, 'images');
  mkdirSync(images);
  const source = join(images, 'disk.raw');
  rawWithData(source, CONVERT_MIB);
  await core.ask('foldersAdd', { path: images });
  const bare = [];
  const ours = [];
  const firstProgress = [];
  const overhead = [];
  for (let run = 0; run < RUNS; run++) {
    const bareTarget = join(images, `bare-${run}.qcow2`);
    const started = now();
    execFileSync('qemu-img', ['convert', '-p', '-f', 'raw', '-O', 'qcow2', '--', source, bareTarget], { stdio: 'ignore' });
    bare.push(now() - started);
    rmSync(bareTarget);
    const ourTarget = join(images, `job-${run}.qcow2`);
    const job = await jobThroughCore(core, { kind: 'convert', image: source, path: ourTarget });
    ours.push(job.wallMs);
    firstProgress.push(job.firstProgressMs);
    overhead.push(job.overheadMs);
    rmSync(ourTarget);
  }
  const convertRatio = median(ours) / median(bare);

  // 2. Planning on a 10,000-image forest: the request's round trip, world and plan included.
  const forest = join(dir, 'forest');
  makeForest(forest, 10_000);
  await Promise.all([core.when((event) => event === 'forestChanged'), core.ask('foldersAdd', { path: forest })]);
  await core.ask('forestGet');
  const planning = [];
  for (let run = 0; run < 20; run++) {
    const started = now();
    await core.ask('planMake', { intent: { kind: 'overlay', image: join(forest, 'img-000003.qcow2'), path: join(forest, `new-${run}.qcow2`) } });
    planning.push(now() - started);
  }

  // 3. An external disk-only snapshot of a running TCG domain.
  let snapshotLine = 'external snapshot of a running domain   skipped: no libvirt daemon answers at qemu:///system';
  const daemon = spawnSync('virsh', ['-c', URI, 'version'], { encoding: 'utf8' });
  if (daemon.status === 0) {
    const name = `${prefix}-guest`;
    const disk = join(images, 'guest.qcow2');
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', '--', source, disk]);
    const xml = join(dir, 'guest.xml');
    writeFileSync(
      xml,
      `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>
       <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`,
    );
    execFileSync('virsh', ['-c', URI, 'define', xml], { stdio: 'ignore' });
    domains.push(name);
    execFileSync('virsh', ['-c', URI, 'start', name], { stdio: 'ignore' });
    const bareSnapshots = [];
    const ourSnapshots = [];
    for (let run = 0; run < RUNS; run++) {
      const started = now();
      execFileSync('virsh', ['-c', URI, 'snapshot-create-as', '--domain', name, '--name', `bare-${run}`, '--disk-only', '--atomic', '--diskspec', `vda,snapshot=external,file=${join(images, `guest.bare-${run}.qcow2`)}`], { stdio: 'ignore' });
      bareSnapshots.push(now() - started);
      const job = await jobThroughCore(core, { kind: 'snapshot', uri: URI, domain: name, name: `job-${run}`, snapshot: 'disk-only', files: { vda: join(images, `guest.job-${run}.qcow2`) } });
      ourSnapshots.push(job.wallMs);
    }
    snapshotLine = `external snapshot, virsh alone        ${median(bareSnapshots).toFixed(0)} ms\nexternal snapshot through a job       ${median(ourSnapshots).toFixed(0)} ms   ratio ${(median(ourSnapshots) / median(bareSnapshots)).toFixed(3)} (budget 1.05; fixed costs weigh more on a short command)`;
  }

  console.log(`convert of ${CONVERT_MIB} MiB of data, bare qemu-img   ${median(bare).toFixed(0)} ms (median of ${RUNS})`);
  console.log(`the same convert as a job               ${median(ours).toFixed(0)} ms   ratio ${convertRatio.toFixed(3)} (budget 1.05)`);
  console.log(`a job's own cost besides its steps     ${median(overhead).toFixed(0)} ms (the re-read before the start, locks, journal fsyncs, events)`);
  console.log(`first progress in the window            ${median(firstProgress).toFixed(0)} ms after the start (budget 500 ms)`);
  console.log(`planning on 10,000 images (median of 20) ${median(planning).toFixed(1)} ms (budget 50 ms, round trip included)`);
  console.log(snapshotLine);
} finally {
  core?.stop();
  for (const name of domains) {
    spawnSync('virsh', ['-c', URI, 'destroy', name], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', URI, 'undefine', name, '--snapshots-metadata'], { stdio: 'ignore' });
  }
  rmSync(dir, { recursive: true, force: true });
}
