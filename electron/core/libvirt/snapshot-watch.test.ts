import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchSnapshotMetadata, type SnapshotWatch } from './snapshot-watch';

// libvirt's layout: <root>/snapshot/<domain>/<snapshot>.xml, each written as <name>.xml.new
// and renamed over, and a domain's folder removed when the domain is undefined.
function writeSnapshot(root: string, domain: string, name: string): void {
  const folder = join(root, 'snapshot', domain);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.xml.new`), '<domainsnapshot/>');
  renameSync(join(folder, `${name}.xml.new`), join(folder, `${name}.xml`));
}

/** Told of the domain, or told to read every domain (which covers it). */
function seen(calls: (string | null)[], domain: string): Promise<void> {
  return expect.poll(() => calls.includes(domain) || calls.includes(null), { timeout: 5000 }).toBe(true);
}

describe('the snapshot metadata watch', () => {
  let root: string;
  let watch: SnapshotWatch | null = null;
  afterEach(() => {
    watch?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps telling of snapshots made after other domains were defined and undefined in a burst', async () => {
    root = mkdtempSync(join(tmpdir(), 'snaptree-watch-'));
    writeSnapshot(root, 'guest one', 'first');
    const calls: (string | null)[] = [];
    watch = watchSnapshotMetadata(root, (domain) => calls.push(domain));

    // Other guests come and go as fast as a busy host makes them: a folder removed while it
    // is being listed made Node's recursive watch fail, and it never watched again.
    // The churn runs beside the watch, as libvirtd does, so that the watch lists folders that go away.
    const churn = spawn('bash', ['-c', 'for i in $(seq 1 300); do mkdir -p "$1/snapshot/d$i"; echo x > "$1/snapshot/d$i/s.xml.new"; mv "$1/snapshot/d$i/s.xml.new" "$1/snapshot/d$i/s.xml"; rm -rf "$1/snapshot/d$i"; done', 'churn', root]);
    await once(churn, 'exit');
    await new Promise((settle) => setTimeout(settle, 1500));

    calls.length = 0;
    writeSnapshot(root, 'guest one', 'from-terminal');
    await seen(calls, 'guest one');
  });

  it('tells of the first snapshot on a host, and of a domain folder made again after its domain was undefined', async () => {
    root = mkdtempSync(join(tmpdir(), 'snaptree-watch-'));
    const calls: (string | null)[] = [];
    watch = watchSnapshotMetadata(root, (domain) => calls.push(domain));

    writeSnapshot(root, 'new guest', 'first');
    await seen(calls, 'new guest');

    rmSync(join(root, 'snapshot', 'new guest'), { recursive: true });
    writeSnapshot(root, 'new guest', 'again');
    calls.length = 0;
    writeSnapshot(root, 'new guest', 'third');
    await seen(calls, 'new guest');
  });

  it.skipIf(process.getuid?.() === 0)('where the folder cannot be read, gives up quietly instead of asking for a full read every second', async () => {
    root = mkdtempSync(join(tmpdir(), 'snaptree-watch-'));
    writeSnapshot(root, 'guest', 'first');
    chmodSync(root, 0o000);
    const calls: (string | null)[] = [];
    try {
      watch = watchSnapshotMetadata(root, (domain) => calls.push(domain));
      await new Promise((settle) => setTimeout(settle, 2500));
      expect(calls).toEqual([]);
    } finally {
      chmodSync(root, 0o700);
    }
  });
});
