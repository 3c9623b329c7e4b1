import type { Snapshot, SnapshotDisk } from './model.js';

/** How the snapshot keeps its disks, each kind once (a disk left out of it aside); the window words them itself. */
export function snapshotDiskKinds(snapshot: Snapshot): Exclude<SnapshotDisk['snapshot'], 'no'>[] {
  return [...new Set(snapshot.disks.flatMap((disk) => (disk.snapshot === 'no' ? [] : [disk.snapshot])))];
}

/** internal: saved inside the qcow2; external: a new overlay took the writes from that point. */
export function snapshotKind(snapshot: Snapshot): string {
  const kinds = snapshotDiskKinds(snapshot);
  return kinds.length === 0 ? 'no disks' : kinds.join(' + ');
}

export function memoryKind(snapshot: Snapshot): string {
  return snapshot.memory === 'no' ? 'disk only' : `with memory (${snapshot.memory})`;
}

/**
 * What the domain was doing when the snapshot was taken, in words. libvirt records
 * `disk-snapshot` for a disk-only snapshot of a running or paused domain (seen with 9.0;
 * one of a shut-off domain records `shutoff`).
 */
export function snapshotStateLabel(snapshot: Snapshot): string {
  switch (snapshot.state) {
    case 'disk-snapshot':
      return 'running or paused';
    case 'shutoff':
      return 'shut off';
    case 'pmsuspended':
      return 'suspended by the guest';
    case 'nostate':
      return 'no state';
    default:
      return snapshot.state;
  }
}
