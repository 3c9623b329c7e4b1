import { create } from 'zustand';
import { errorMessage } from '../../../shared/format';
import type { Connection, Domain } from '../../../shared/libvirt/model';
import { api, refetchOn } from '../api/client';
import { inRequestOrder } from '../api/order';
import { useSettings } from '../settings/store';

const read = inRequestOrder();

interface InventoryState {
  readonly connections: Connection[] | null;
  /** Why the inventory could not be read; cleared by the next read that succeeds. */
  readonly error: string | null;
  /**
   * Why the URI last added was refused: kept apart from `error`, so that the next read
   * (any libvirt event brings one) does not take the reason from under the user's eyes.
   */
  readonly addError: string | null;
  load(): Promise<void>;
  addConnection(uri: string): Promise<boolean>;
  removeConnection(uri: string): Promise<void>;
}

export const useInventory = create<InventoryState>((set) => ({
  connections: null,
  error: null,
  addError: null,
  async load() {
    const newest = read();
    try {
      const { connections } = await api.call('inventoryGet', {});
      if (newest()) set({ connections, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async addConnection(uri) {
    try {
      await api.call('connectionsAdd', { uri: uri.trim() });
      void useSettings.getState().load();
      set({ addError: null });
      return true;
    } catch (error) {
      set({ addError: errorMessage(error) });
      return false;
    }
  },
  async removeConnection(uri) {
    await api.call('connectionsRemove', { uri });
    void useSettings.getState().load();
  },
}));

/** The connection a domain is on: its URI is what an intent names it by. */
export function findConnection(connections: readonly Connection[] | null, uuid: string): Connection | undefined {
  return connections?.find((connection) => connection.domains.some((domain) => domain.uuid === uuid));
}

export function findDomain(connections: readonly Connection[] | null, uuid: string): Domain | undefined {
  for (const connection of connections ?? []) {
    const domain = connection.domains.find((candidate) => candidate.uuid === uuid);
    if (domain) return domain;
  }
  return undefined;
}

refetchOn('inventoryChanged', () => useInventory.getState().load(), 50);
