import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Connection, Domain, Snapshot } from '../../../shared/libvirt/model';
import type { IntentInput } from '../../../shared/plans/intent';
import { Field } from '../plans/fields';
import { GestureForm } from '../plans/GestureForm';
import { nextFreeName } from '../plans/names';
import { stateLabel } from './describe';
import { findConnection, useInventory } from './store';

type Gesture = 'revert' | 'clone' | 'delete';

interface Target {
  readonly uri: string;
  readonly domain: Domain;
  readonly snapshot: Snapshot;
}

/** A snapshot of a domain on a connection: what every snapshot gesture names. */
export function snapshotTarget(connections: readonly Connection[] | null, domain: Domain, snapshot: Snapshot): Target | null {
  const connection = findConnection(connections, domain.uuid);
  return connection ? { uri: connection.uri, domain, snapshot } : null;
}

/** The intents the snapshot node's own buttons and the Delete key start with: the defaults of the forms below. */
export function revertIntent({ uri, domain, snapshot }: Target): Extract<IntentInput, { kind: 'revert' }> {
  return { kind: 'revert', uri, domain: domain.name, snapshot: snapshot.name };
}
export function deleteIntent({ uri, domain, snapshot }: Target): Extract<IntentInput, { kind: 'delete' }> {
  return { kind: 'delete', uri, domain: domain.name, snapshot: snapshot.name };
}

function RevertForm({ target, onClose }: { target: Target; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const { t: tLibvirt } = useTranslation('libvirt');
  const [state, setState] = useState<'' | 'running' | 'paused'>('');
  return (
    <GestureForm intent={{ ...revertIntent(target), ...(state === '' ? {} : { state }) }} onClose={onClose}>
      <p className="explain">{t('snapshotActions.revertExplain')}</p>
      <label className="field">
        <span>{t('snapshotActions.leave')}</span>
        <select value={state} onChange={(event) => setState(event.target.value as typeof state)}>
          <option value="">{t('snapshotActions.leaveAsTaken', { state: stateLabel(tLibvirt, target.snapshot.state) })}</option>
          <option value="running">{t('snapshotActions.leaveRunning')}</option>
          <option value="paused">{t('snapshotActions.leavePaused')}</option>
        </select>
      </label>
    </GestureForm>
  );
}

function CloneForm({ target, onClose }: { target: Target; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const connections = useInventory((state) => state.connections);
  const taken = connections?.find((connection) => connection.uri === target.uri)?.domains.map((domain) => domain.name) ?? [];
  const [name, setName] = useState(() => nextFreeName(`${target.domain.name}-clone`, taken));
  const exists = taken.includes(name);
  const { uri, domain, snapshot } = target;
  return (
    <GestureForm intent={name === '' || exists ? null : { kind: 'clone', uri, domain: domain.name, snapshot: snapshot.name, name }} onClose={onClose}>
      <p className="explain">{t('snapshotActions.cloneExplain')}</p>
      <Field label={t('snapshotActions.cloneName')} value={name} onChange={setName} />
      {exists && <p className="form-error">{t('snapshotActions.domainTaken', { name })}</p>}
    </GestureForm>
  );
}

/** Every snapshot below this one in the tree. */
function descendants(domain: Domain, name: string): number {
  const children = domain.snapshots.filter((snapshot) => snapshot.parent === name);
  return children.reduce((count, child) => count + descendants(domain, child.name), children.length);
}

function DeleteForm({ target, onClose }: { target: Target; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const [children, setChildren] = useState(false);
  const [metadataOnly, setMetadataOnly] = useState(false);
  const below = descendants(target.domain, target.snapshot.name);
  return (
    <GestureForm intent={{ ...deleteIntent(target), children, metadataOnly }} onClose={onClose}>
      <p className="explain">{t('snapshotActions.deleteExplain')}</p>
      {below > 0 && (
        <label className="check">
          <input type="checkbox" checked={children} onChange={(event) => setChildren(event.target.checked)} />
          {t('snapshotActions.children', { count: below })}
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={metadataOnly} onChange={(event) => setMetadataOnly(event.target.checked)} />
        {t('snapshotActions.metadataOnly')}
      </label>
    </GestureForm>
  );
}

/** What can be done with a snapshot: each gesture asks its few questions, then shows its plan. */
export function SnapshotActions({ target }: { target: Target }) {
  const { t } = useTranslation('plans');
  const [open, setOpen] = useState<Gesture | null>(null);
  const close = (): void => setOpen(null);
  const gestures: Gesture[] = ['revert', 'clone', 'delete'];
  return (
    <div className="image-actions">
      <div className="gesture-list">
        {gestures.map((gesture) => (
          <button key={gesture} type="button" aria-pressed={open === gesture} onClick={() => setOpen(open === gesture ? null : gesture)}>
            {t(`snapshotActions.${gesture}`)}
          </button>
        ))}
      </div>
      {open === 'revert' && <RevertForm target={target} onClose={close} />}
      {open === 'clone' && <CloneForm target={target} onClose={close} />}
      {open === 'delete' && <DeleteForm target={target} onClose={close} />}
    </div>
  );
}
