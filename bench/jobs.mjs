// Budgets of the change path (issue 10, design.md §8), measured side by side in one run:
// - a job costs at most 5% more wall time than its bare commands: a convert of a 1 GiB image
//   holding data, and external snapshots of a running domain (disk-only, and a checkpoint
//   with its memory), each against the very argv its plan runs (the job runs that virsh
//   command in its virsh shell, connected before the start: the bare argv starts a virsh);
// - planning an intent on a 10,000-image forest: under 50 ms;
// - the first progress update reaches the window within 0.5 s of the job's start.
// Jobs run through the window's core (`snaptree serve`, over its WebSocket, as the page
// does). Needs qemu-img, and a libvirt daemon at qemu:///system for the snapshot part
// (skipped, and said, without one). Removes every file and domain it made. Not a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costRatio, guestXml, inTurns, jobThroughCore, median, now, rawWithData, removeGuests, serveCore } from './core.mjs';
import { makeForest } from './forest.mjs';

const CONVERT_MIB = Number(process.env.CONVERT_MIB ?? 1024);
/**
 * Taken in turns (see inTurns), an even count: the ratios pair each turn with the next. A
 * copy here runs 2-5x slower in some turns, on either side (the host backing memory anew):
 * sixteen turns keep the medians off those.
 */
const RUNS = 16;
/** A snapshot takes some 50-100 ms, and the machine's noise is as large. */
const SNAPSHOT_RUNS = 10;
const URI = 'qemu:///system';
const prefix = `snaptree-bench-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));

const domains = [];
let core = null;
/** Bare: the very argv a plan of the same intent runs (its own file names), one after the other. */
async function bareArgv(intent) {
  const plan = await core.ask('planMake', { intent });
  if (plan.blockers.length > 0) throw new Error(`blocked: ${plan.blockers.map((b) => b.message).join('; ')}`);
  const started = now();
  for (const step of plan.steps) execFileSync(step.argv[0], step.argv.slice(1), { stdio: 'ignore' });
  return now() - started;
}
try {
  core = await serveCore(dir);

  // 1. Convert, raw to qcow2, taking turns with the very argv its plan runs.
  const images = join(dir, 'images');
  mkdirSync(images);
  const source = join(images, 'disk.raw');
  rawWithData(source, CONVERT_MIB);
  // On the disk before the first turn, as a user's image is: a source still being written
  // back made the first copy (always a bare one) 3-5x slower.
  execFileSync('sync', ['--', source]);
  await core.ask('foldersAdd', { path: images });
  // The copies go to a folder the core does not watch: no rescan shares the two cores with
  // either side's copy, and none is waited for between them (this machine's host takes back
  // memory freed for a second or more, and a copy into it then runs 2-3x slower).
  const copies = join(dir, 'copies');
  mkdirSync(copies);
  const convertIntent = (name) => ({ kind: 'convert', image: source, path: join(copies, `${name}.qcow2`) });
  const bareConvert = async (turn) => {
    const intent = convertIntent(`bare-${turn}`);
    const ms = await bareArgv(intent);
    rmSync(intent.path);
    return ms;
  };
  const jobConvert = async (turn) => {
    const intent = convertIntent(`job-${turn}`);
    const job = await jobThroughCore(core, intent);
    rmSync(intent.path);
    return job;
  };
  // One turn not counted: the source's pages read into memory, the core's first plan made.
  await inTurns(1, bareConvert, jobConvert);
  const converts = await inTurns(RUNS, bareConvert, jobConvert);
  const bare = converts.bare;
  const ours = converts.job.map((job) => job.wallMs);

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

  // 3. External snapshots of a running TCG domain: disk-only, and a checkpoint with its memory.
  let snapshotLine = 'external snapshots of a running domain  skipped: no libvirt daemon answers at qemu:///system';
  const daemon = spawnSync('virsh', ['-c', URI, 'version'], { encoding: 'utf8' });
  if (daemon.status === 0) {
    // A guest of its own for each kind of snapshot: each starts on a one-layer chain, where
    // one guest for both would run the checkpoints on the disk-only runs' 18 layers and more.
    const guest = (kind) => {
      const name = `${prefix}-${kind}`;
      const disk = join(images, `${kind}.qcow2`);
      execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', '--', source, disk]);
      const xml = join(dir, `${kind}.xml`);
      writeFileSync(xml, guestXml(name, disk));
      execFileSync('virsh', ['-c', URI, 'define', xml], { stdio: 'ignore' });
      domains.push(name);
      execFileSync('virsh', ['-c', URI, 'start', name], { stdio: 'ignore' });
      return name;
    };
    const lines = [];
    for (const [label, kind] of [
      ['external disk-only snapshot', 'disk-only'],
      ['external checkpoint (64 MiB of RAM)', 'memory'],
    ]) {
      const name = guest(kind);
      await core.settled(1500);
      const intentFor = (snapshot) => ({
        kind: 'snapshot',
        uri: URI,
        domain: name,
        name: snapshot,
        snapshot: kind,
        files: { vda: join(images, `${kind}.${snapshot}.qcow2`) },
        ...(kind === 'memory' ? { memoryFile: join(images, `${kind}.${snapshot}.mem`) } : {}),
      });
      // Long enough for the rescan each new overlay sets off (0.7 s on 10,000 images, no event until it ends).
      const thenSettled = async (measured) => (await core.settled(1500), measured);
      const snapshots = await inTurns(
        SNAPSHOT_RUNS,
        async (turn) => thenSettled(await bareArgv(intentFor(`bare-${kind}-${turn}`))),
        async (turn) => thenSettled(await jobThroughCore(core, intentFor(`job-${kind}-${turn}`))),
      );
      const bareMs = snapshots.bare;
      const jobMs = snapshots.job.map((job) => job.wallMs);
      const ownMs = snapshots.job.map((job) => job.overheadMs);
      // Not left running beside the next kind's guest.
      removeGuests([name]);
      lines.push(`${label}, its argv alone`.padEnd(54) + `${median(bareMs).toFixed(0)} ms`);
      lines.push(`${label} as a job`.padEnd(54) + `${median(jobMs).toFixed(0)} ms   ${costRatio(jobMs, bareMs)}`);
      // The step runs in the core's virsh shell, already connected: no virsh to start, which the bare argv pays.
      lines.push(`  of which the job's own cost besides its step`.padEnd(54) + `${median(ownMs).toFixed(0)} ms`);
    }
    snapshotLine = lines.join('\n');
  }

  console.log(`convert of ${CONVERT_MIB} MiB of data, bare qemu-img   ${median(bare).toFixed(0)} ms (median of ${RUNS}; fastest ${Math.min(...bare).toFixed(0)} ms)`);
  console.log(`the same convert as a job               ${median(ours).toFixed(0)} ms   ${costRatio(ours, bare)}`);
  console.log(`a job's own cost besides its steps     ${median(converts.job.map((job) => job.overheadMs)).toFixed(0)} ms (the re-read before the start, locks, journal fsyncs, events)`);
  console.log(`first progress in the window            ${median(converts.job.map((job) => job.firstProgressMs)).toFixed(0)} ms after the start (budget 500 ms)`);
  console.log(`planning on 10,000 images (median of 20) ${median(planning).toFixed(1)} ms (budget 50 ms, round trip included)`);
  console.log(snapshotLine);
} finally {
  core?.stop();
  removeGuests(domains);
  rmSync(dir, { recursive: true, force: true });
}
