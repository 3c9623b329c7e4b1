import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Connection } from '../../../shared/libvirt/model';
import { sentenceOf } from '../i18n/sentence';
import { AddForm } from '../shell/AddForm';
import { domainState } from '../shell/domainState';
import { useSelection } from '../shell/selection';
import { useInventory } from './store';

const STATE_CLASS: Record<string, string> = { running: 'up', paused: 'paused', 'shut off': 'off' };

function ConnectionEntry({ connection }: { connection: Connection }) {
  const { t } = useTranslation('shell');
  const { selection, select } = useSelection();
  const selectedUuid = selection?.kind === 'domain' || selection?.kind === 'snapshot' ? selection.uuid : null;
  return (
    <li className="connection" data-uri={connection.uri}>
      <div
        className="connection-head"
        title={
          connection.reachable
            ? t('connections.details', {
                uri: connection.uri,
                version: connection.libvirtVersion,
                hypervisor: connection.hypervisor ?? t('connections.hypervisor'),
                hypervisorVersion: connection.hypervisorVersion ?? '?',
              })
            : connection.uri
        }
      >
        <span className={`dot ${connection.reachable ? 'up' : connection.error ? 'down' : ''}`} aria-hidden />
        {connection.uri}
      </div>
      {!connection.reachable && connection.error === null && <p className="empty">{t('connections.connecting')}</p>}
      {!connection.reachable && connection.error !== null && (
        <p className="side-error">{t('connections.unreachable', { error: sentenceOf(t, connection.errorSentence ?? { message: connection.error }) })}</p>
      )}
      {connection.reachable && connection.domains.length === 0 && <p className="empty">{t('connections.none')}</p>}
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
                {[
                  domainState(t, domain.state),
                  domain.snapshots.length > 0 && t('connections.snapshots', { count: domain.snapshots.length }),
                  domain.problems.length + domain.snapshots.filter((s) => s.problems.length > 0).length > 0 && t('connections.problems'),
                ]
                  .filter(Boolean)
                  .join(' · ')}
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
  const { t } = useTranslation('shell');
  const { connections, error, addError, load, addConnection } = useInventory();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-label={t('connections.label')}>
      {connections === null ? <p className="empty">{t('connections.asking')}</p> : null}
      <ul className="connection-list">
        {connections?.map((connection) => (
          <ConnectionEntry key={connection.uri} connection={connection} />
        ))}
      </ul>
      <AddForm label={t('connections.uri')} placeholder="qemu+ssh://host/system" action={t('connections.add')} onAdd={addConnection} />
      {(addError ?? error) && <p className="form-error">{addError ?? error}</p>}
    </section>
  );
}
