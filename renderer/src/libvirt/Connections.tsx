import { useEffect } from 'react';
import type { Connection } from '../../../shared/libvirt/model';
import { AddForm } from '../shell/AddForm';
import { useSelection } from '../shell/selection';
import { useInventory } from './store';

const STATE_CLASS: Record<string, string> = { running: 'up', paused: 'paused', 'shut off': 'off' };

function ConnectionEntry({ connection }: { connection: Connection }) {
  const { selection, select } = useSelection();
  const selectedUuid = selection?.kind === 'domain' || selection?.kind === 'snapshot' ? selection.uuid : null;
  return (
    <li className="connection" data-uri={connection.uri}>
      <div
        className="connection-head"
        title={connection.reachable ? `${connection.uri}: libvirt ${connection.libvirtVersion}, ${connection.hypervisor ?? 'hypervisor'} ${connection.hypervisorVersion ?? '?'}` : connection.uri}
      >
        <span className={`dot ${connection.reachable ? 'up' : connection.error ? 'down' : ''}`} aria-hidden />
        {connection.uri}
      </div>
      {!connection.reachable && connection.error === null && <p className="empty">Connecting…</p>}
      {!connection.reachable && connection.error !== null && (
        <p className="side-error">
          No domains: {connection.error}. The images are still shown; domains need a libvirt daemon that answers.
        </p>
      )}
      {connection.reachable && connection.domains.length === 0 && <p className="empty">No domains defined here.</p>}
      <ul className="domain-list">
        {connection.domains.map((domain) => (
          <li key={domain.uuid}>
            <button
              type="button"
              className={`side-item domain ${selectedUuid === domain.uuid ? 'selected' : ''}`}
              onClick={() => select({ kind: 'domain', uuid: domain.uuid })}
              data-domain={domain.name}
            >
              <span className={`dot ${STATE_CLASS[domain.state] ?? ''}`} aria-hidden />
              <span className="domain-name">{domain.name}</span>
              <span className="side-note">
                {domain.state}
                {domain.snapshots.length > 0 && ` · ${domain.snapshots.length} snapshot${domain.snapshots.length > 1 ? 's' : ''}`}
                {domain.problems.length + domain.snapshots.filter((s) => s.problems.length > 0).length > 0 && ' · problems'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </li>
  );
}

/** libvirt connections and their domains, with a state badge each. */
export function Connections() {
  const { connections, error, load, addConnection } = useInventory();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-label="Domains">
      {connections === null ? <p className="empty">Asking libvirt for its domains…</p> : null}
      <ul className="connection-list">
        {connections?.map((connection) => (
          <ConnectionEntry key={connection.uri} connection={connection} />
        ))}
      </ul>
      <AddForm label="libvirt URI" placeholder="qemu+ssh://host/system" action="Add" onAdd={addConnection} />
      {error && <p className="form-error">{error}</p>}
    </section>
  );
}
