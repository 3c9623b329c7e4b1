import { useEffect } from 'react';
import { create } from 'zustand';
import type { Domain } from '../../../shared/libvirt/model';
import { api } from '../api/client';

interface Screenshots {
  /** Each snapshot's screenshot once asked for: a PNG data URL, or null when none was kept. */
  readonly byKey: Readonly<Record<string, string | null>>;
  /** Counts finished jobs: a snapshot's picture is taken after it, by the same job, so a null is asked again then. */
  readonly generation: number;
}

const useScreenshots = create<Screenshots>(() => ({ byKey: {}, generation: 0 }));
const asked = new Set<string>();

api.on('jobChanged', ({ state }) => {
  if (state !== 'done') return;
  for (const [key, png] of Object.entries(useScreenshots.getState().byKey)) if (png === null) asked.delete(key);
  useScreenshots.setState((current) => ({ generation: current.generation + 1 }));
});

/**
 * The screen as the snapshot was taken, or null (no display, none kept, or not fetched yet).
 * A picture kept is asked for once: it does not change after it was taken.
 */
export function useScreenshot(domain: Domain, snapshot: string): string | null {
  const key = `${domain.uuid}\n${snapshot}`;
  const png = useScreenshots((state) => state.byKey[key] ?? null);
  const generation = useScreenshots((state) => state.generation);
  useEffect(() => {
    if (!domain.display || asked.has(key)) return;
    asked.add(key);
    api.call('screenshotGet', { uuid: domain.uuid, snapshot }).then(
      ({ png }) => useScreenshots.setState((state) => ({ byKey: { ...state.byKey, [key]: png } })),
      // No picture is no fault: the snapshot is whole without one. A later view asks again.
      () => asked.delete(key),
    );
  }, [domain.display, domain.uuid, snapshot, key, generation]);
  return png;
}
