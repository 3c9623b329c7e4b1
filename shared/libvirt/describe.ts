import type { Snapshot } from './model.js';

/** internal: saved inside the qcow2; external: a new overlay took the writes from that point. */
export function snapshotKind(snapshot: Snapshot): string {
  const kinds = new Set(snapshot.disks.filter((disk) => disk.snapshot !== 'no').map((disk) => disk.snapshot));
  return kinds.size === 0 ? 'no disks' : [...kinds].join(' + ');
}

export function memoryKind(snapshot: Snapshot): string {
  return snapshot.memory === 'no' ? 'disk only' : `with memory (${snapshot.memory})`;
}
