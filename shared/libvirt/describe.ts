import type { Snapshot } from './model.js';

/** internal: saved inside the qcow2; external: a new overlay took the writes from that point. */
export function snapshotKind(snapshot: Snapshot): string {
  const kinds = new Set(snapshot.disks.filter((disk) => disk.snapshot !== 'no').map((disk) => disk.snapshot));
  return kinds.size === 0 ? 'no disks' : [...kinds].join(' + ');
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
