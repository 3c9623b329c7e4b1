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
 * What the domain was doing when the snapshot was taken, in words; null for a disk-only
 * snapshot, for which libvirt records `disk-snapshot` whatever the domain was doing
 * (`memoryKind` already says "disk only").
 */
export function snapshotStateLabel(snapshot: Snapshot): string | null {
  switch (snapshot.state) {
    case 'disk-snapshot':
      return null;
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
