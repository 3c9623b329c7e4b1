// Budget (design.md §8): 10,000 images scanned in under 1 s, at least 50x faster than
// one `qemu-img info` per file, under 300 MB of memory. Prints the figures as measured
// in this run; not a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeForest } from './forest.mjs';

const COUNT = Number(process.env.IMAGES ?? 10_000);
const RUNS = 5;
const bin = fileURLToPath(new URL('../bin/snaptree.js', import.meta.url));
// Prints the process's peak memory when the real CLI exits.
const peakMemory = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))`;

const dir = mkdtempSync(join(tmpdir(), 'snaptree-bench-scan-'));
try {
  const templates = makeForest(dir, COUNT);
  for (const file of Object.values(templates)) unlinkSync(file);

  const scans = [];
  let maxRssKiB = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--import', peakMemory, bin, 'scan', dir, '--json'], { maxBuffer: 1 << 30, encoding: 'utf8' });
    scans.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(result.stderr);
    maxRssKiB = Math.max(maxRssKiB, Number(/maxrss=(\d+)/.exec(result.stderr)?.[1] ?? 0));
    if (run === 0) {
      const images = JSON.parse(result.stdout).images;
      const problems = images.filter((image) => image.problems.length > 0).length;
      console.log(`scan found ${images.length} images, ${problems} with problems`);
    }
  }
  scans.sort((a, b) => a - b);
  const scanMs = scans[Math.floor(RUNS / 2)];

  // The plain tool, the way a script would do it: one qemu-img info per file.
  const started = process.hrtime.bigint();
  for (let i = 0; i < COUNT; i++) {
    execFileSync('qemu-img', ['info', '--output=json', '-U', join(dir, `img-${String(i).padStart(6, '0')}.qcow2`)]);
  }
  const perFileMs = Number(process.hrtime.bigint() - started) / 1e6;

  console.log(`images                          ${COUNT}`);
  console.log(`snaptree scan (median of ${RUNS})     ${scanMs.toFixed(0)} ms   (budget 1000 ms, whole process incl. Node start)`);
  console.log(`qemu-img info per file          ${perFileMs.toFixed(0)} ms`);
  console.log(`ratio                           ${(perFileMs / scanMs).toFixed(1)}x faster   (budget 50x)`);
  console.log(`peak memory of the scan         ${(maxRssKiB / 1024).toFixed(0)} MB   (budget 300 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
