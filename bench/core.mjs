// The window's core as the benches reach it (`snaptree serve`, over its WebSocket, as the
// page does), and a job run through it as the window runs one.
import { closeSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const URI = 'qemu:///system';
const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));
export const now = () => Number(process.hrtime.bigint()) / 1e6;
/** The middle value; of an even count, the mean of the two middle ones. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)];
};

/**
 * `turns` turns of a job and of its bare commands, one right after the other, the order
 * turned about each turn: the run that goes second pays for what the first left behind (its
 * writeback, memory the host takes back), and the first for the turn before. Each side is an
 * async function of the turn's number returning what it measured; the results in turn order.
 */
export async function inTurns(turns, bare, job) {
  const measured = { bare: [], job: [] };
  for (let turn = 0; turn < turns; turn++) {
    for (const side of turn % 2 === 0 ? ['bare', 'job'] : ['job', 'bare']) measured[side].push(await (side === 'bare' ? bare : job)(turn));
  }
  return measured;
}

/**
 * A job's time against its bare commands', three ways, each held to the budget. Another
 * process's work (the disk's writeback, the host taking back memory) only ever adds time to
 * a run, and here a copy's time moves by up to 6x from run to run, far more than the 5 % a
 * job may add. The medians of each side; the fastest run of each, the nearest each side's
 * own cost; and the median of each two turns' ratio (taken in turns, see inTurns: one turn
 * with the job first, the next with it second, on the machine as it was then), where the
 * medians of the sides can land on a slow run of one and a fast run of the other, and a
 * single turn's ratio carries the cost of its order.
 */
export function costRatio(job, bare) {
  const medians = median(job) / median(bare);
  const fastest = Math.min(...job) / Math.min(...bare);
  const pairs = [];
  for (let turn = 0; turn + 1 < job.length; turn += 2) pairs.push(Math.sqrt((job[turn] / bare[turn]) * (job[turn + 1] / bare[turn + 1])));
  return `ratio ${medians.toFixed(3)} of the medians, ${fastest.toFixed(3)} of the fastest runs, ${median(pairs).toFixed(3)} of each two turns' (budget 1.05)`;
}

/** The window's core, reached as the page reaches it; its settings, data and journal under `dir`. */
export async function serveCore(dir) {
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
  /**
   * Resolves once no event has come for `quietMs`: what a change made outside (a bare
   * command) set off, its rescan and reads, is over, as it is by the time a person clicks.
   */
  const settled = (quietMs = 600) =>
    new Promise((resolve) => {
      let timer = setTimeout(done, quietMs);
      function done() {
        listeners.delete(listener);
        resolve();
      }
      function listener(frame) {
        if (frame.type !== 'event') return;
        clearTimeout(timer);
        timer = setTimeout(done, quietMs);
      }
      listeners.add(listener);
    });
  return { ask, when, settled, stop: () => (socket.close(), serve.kill('SIGTERM')) };
}

/**
 * A job through the core, as the window runs one: plan, start the plan shown, wait for its
 * end. Returns the wall time from the start request to the job's end, and when the first
 * progress arrived.
 */
export async function jobThroughCore(core, intent) {
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
export function rawWithData(path, mib) {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, chunk, 0, chunk.length);
  closeSync(fd);
}

/** The benches' guest as libvirt's XML: TCG, no OS, 64 MiB, one qcow2 disk on virtio. */
export const guestXml = (name, disk) =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>
   <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`;

/** Destroys and undefines the benches' own domains, whatever state each is in. */
export function removeGuests(names) {
  for (const name of names) {
    spawnSync('virsh', ['-c', URI, 'destroy', name], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', URI, 'undefine', name, '--snapshots-metadata'], { stdio: 'ignore' });
  }
}

