import { useEffect } from 'react';
import { create } from 'zustand';
import type { Domain } from '../../../shared/libvirt/model';
import { api } from '../api/client';

/** Each snapshot's screenshot once asked for: a PNG data URL, or null when none was kept. */
const useScreenshots = create<{ readonly byKey: Readonly<Record<string, string | null>> }>(() => ({ byKey: {} }));
const asked = new Set<string>();

/**
 * The screen as the snapshot was taken, or null (no display, none kept, or not fetched yet).
 * Asked of the core once per snapshot: a picture does not change after it was taken.
 */
export function useScreenshot(domain: Domain, snapshot: string): string | null {
  const key = `${domain.uuid}\n${snapshot}`;
  const png = useScreenshots((state) => state.byKey[key] ?? null);
  useEffect(() => {
    if (!domain.display || asked.has(key)) return;
    asked.add(key);
    api.call('screenshotGet', { uuid: domain.uuid, snapshot }).then(
      ({ png }) => useScreenshots.setState((state) => ({ byKey: { ...state.byKey, [key]: png } })),
      // No picture is no fault: the snapshot is whole without one. A later view asks again.
      () => asked.delete(key),
    );
  }, [domain.display, domain.uuid, snapshot, key]);
  return png;
}
