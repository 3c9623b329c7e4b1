import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { baseName } from '../../../shared/format';
import type { Domain, DomainDisk } from '../../../shared/libvirt/model';
import type { IntentInput } from '../../../shared/plans/intent';
import { api } from '../api/client';
import { PathField } from '../plans/fields';
import { useEscape } from '../plans/escape';
import { nextFreeName } from '../plans/names';
import { usePlans } from '../plans/store';
import { findConnection, findDomain, useInventory } from './store';

/** Which domain's "Take snapshot…" dialog is open: the NOW node and the inspector both open it. */
export const useSnapshotDialog = create<{ readonly uuid: string | null; open(uuid: string): void; close(): void }>((set) => ({
  uuid: null,
  open: (uuid) => set({ uuid }),
  close: () => set({ uuid: null }),
}));

type Kind = 'internal' | 'disk-only' | 'memory';

/** The disks an external snapshot gives a new overlay: file-backed disks, not an empty cdrom. */
function snapshotDisks(domain: Domain): DomainDisk[] {
  return domain.disks.filter((disk) => disk.device === 'disk' && disk.activePath !== null && !disk.readonly);
}

const folderOf = (path: string): string => path.slice(0, path.length - baseName(path).length);

/** virsh's own default: the active layer's name without its extension, then the snapshot's name. */
function besideLayer(path: string, name: string): string {
  return `${folderOf(path)}${baseName(path).replace(/\.[^.]*$/, '')}.${name}.qcow2`;
}

function SnapshotForm({ domain, uri }: { domain: Domain; uri: string }) {
  const { t } = useTranslation('plans');
  const close = useSnapshotDialog((state) => state.close);
  const openPlan = usePlans((state) => state.open);
  const taken = domain.snapshots.map((snapshot) => snapshot.name);
  const running = domain.state === 'running' || domain.state === 'paused';
  const disks = snapshotDisks(domain);
  const [name, setName] = useState(() => nextFreeName('snapshot', taken));
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<Kind>('internal');
  const [live, setLive] = useState(false);
  const [quiesce, setQuiesce] = useState(false);
  // Quiesce is offered only where the guest agent answers: asked once, as the dialog opens.
  const [agent, setAgent] = useState<'asking' | 'answers' | 'silent'>('asking');
  useEffect(() => {
    if (!running) return;
    let current = true;
    api.call('agentCheck', { uri, domain: domain.name }).then(
      ({ answers }) => current && setAgent(answers ? 'answers' : 'silent'),
      () => current && setAgent('silent'),
    );
    return () => {
      current = false;
    };
  }, [uri, domain.name, running]);
  // A file the user edited stays as typed; the others follow the name.
  const [edited, setEdited] = useState<Record<string, string>>({});
  const fileOf = (disk: DomainDisk): string => edited[disk.target] ?? besideLayer(disk.activePath!, name);
  // The memory is the domain's, not a disk's: named after both, beside the first disk.
  const memoryDefault = disks[0] ? `${folderOf(disks[0].activePath!)}${domain.name}.${name}.mem` : '';
  const memoryFile = edited['\0memory'] ?? memoryDefault;
  const nameTaken = taken.includes(name);
  const external = kind !== 'internal';
  const files = Object.fromEntries(disks.map((disk) => [disk.target, fileOf(disk)]));
  const valid =
    name.trim() !== '' && !nameTaken && (!external || Object.values(files).every((path) => path.startsWith('/'))) && (kind !== 'memory' || memoryFile.startsWith('/'));

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!valid) return;
    const intent: IntentInput = {
      kind: 'snapshot',
      uri,
      domain: domain.name,
      name,
      ...(description === '' ? {} : { description }),
      snapshot: kind,
      live: kind === 'memory' && running && live,
      quiesce: kind === 'disk-only' && running && agent === 'answers' && quiesce,
      files: external ? files : {},
      ...(kind === 'memory' ? { memoryFile } : {}),
    };
    close();
    void openPlan(intent);
  };

  return (
    <form onSubmit={submit}>
      <label className="field">
        <span>{t('snapshot.name')}</span>
        <input value={name} onChange={(event) => setName(event.target.value)} spellCheck={false} aria-invalid={nameTaken} autoFocus />
      </label>
      {nameTaken && <p className="form-error">{t('gesture.nameTaken', { name })}</p>}
      <label className="field">
        <span>{t('snapshot.description')}</span>
        <textarea value={description} onChange={(event) => setDescription(event.target.value)} rows={2} />
      </label>
      <fieldset className="snapshot-kinds">
        <legend>{t('snapshot.kind')}</legend>
        {(['internal', 'disk-only', 'memory'] as const).map((option) => (
          <label key={option} className="check">
            <input type="radio" name="kind" value={option} checked={kind === option} onChange={() => setKind(option)} />
            <span>
              <b>{t(`snapshot.kinds.${option}`)}</b>
              <span className="kind-explain">{t(`snapshot.kindExplain.${option}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {external &&
        disks.map((disk) => (
          <PathField
            key={disk.target}
            label={t('snapshot.overlayFor', { target: disk.target })}
            value={fileOf(disk)}
            onChange={(value) => setEdited({ ...edited, [disk.target]: value })}
          />
        ))}
      {kind === 'memory' && <PathField label={t('snapshot.memoryFile')} value={memoryFile} onChange={(value) => setEdited({ ...edited, '\0memory': value })} />}
      {kind === 'memory' && running && (
        <label className="check">
          <input type="checkbox" checked={live} onChange={(event) => setLive(event.target.checked)} />
          {t('snapshot.live')}
        </label>
      )}
      {/* libvirt quiesces only a disk-only snapshot, through the guest agent. */}
      {kind === 'disk-only' && running && agent === 'answers' && (
        <label className="check">
          <input type="checkbox" checked={quiesce} onChange={(event) => setQuiesce(event.target.checked)} />
          {t('snapshot.quiesce')}
        </label>
      )}
      {kind === 'disk-only' && running && agent === 'silent' && <p className="explain">{t('snapshot.noAgent')}</p>}
      <div className="modal-actions">
        <button type="button" onClick={close}>
          {t('gesture.close')}
        </button>
        <button type="submit" className="primary" disabled={!valid}>
          {t('gesture.showPlan')}
        </button>
      </div>
    </form>
  );
}

/** "Take snapshot…": a name (checked as you type), a description and the kind; Show plan opens the plan dialog. */
export function SnapshotDialog() {
  const { t } = useTranslation('plans');
  const uuid = useSnapshotDialog((state) => state.uuid);
  const close = useSnapshotDialog((state) => state.close);
  useEscape(uuid !== null, close);
  const connections = useInventory((state) => state.connections);
  const titleId = useId();
  if (uuid === null) return null;
  const domain = findDomain(connections, uuid);
  const connection = findConnection(connections, uuid);
  if (!domain || !connection) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal snapshot-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <h2 id={titleId}>{t('snapshot.title', { domain: domain.name })}</h2>
        <SnapshotForm key={uuid} domain={domain} uri={connection.uri} />
      </div>
    </div>
  );
}
