import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Image } from '../../../shared/images/model';
import { baseName } from '../../../shared/format';
import { displayPath } from '../../../shared/images/path-bytes';
import type { IntentInput } from '../../../shared/plans/intent';
import { GestureForm } from '../plans/GestureForm';
import { findConnection, useInventory } from '../libvirt/store';
import { Field, PathField } from '../plans/fields';
import { besideFree, nextFreeName } from '../plans/names';
import { useForest } from './store';

type Gesture = 'snapshot' | 'overlay' | 'convert' | 'check' | 'commit' | 'pull';

function SnapshotForm({ image, onClose }: { image: Image; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const taken = image.snapshots.map((snapshot) => snapshot.name);
  const [name, setName] = useState(() => nextFreeName('snapshot', taken));
  const exists = taken.includes(name);
  return (
    <GestureForm intent={name === '' || exists ? null : { kind: 'image-snapshot', image: image.path, name }} onClose={onClose}>
      <p className="explain">
        <Trans t={t} i18nKey="gesture.snapshot.explain" components={{ cmd: <code /> }} />
      </p>
      <Field label={t('gesture.snapshot.name')} value={name} onChange={setName} />
      {exists && <p className="form-error">{t('gesture.nameTaken', { name })}</p>}
    </GestureForm>
  );
}

function OverlayForm({ image, existing, onClose }: { image: Image; existing: readonly string[]; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const connections = useInventory((state) => state.connections);
  const [path, setPath] = useState(() => besideFree(image.path, '-overlay', existing));
  // A linked clone copies a domain that uses this image; its disk then starts from the new overlay.
  const sources = image.usedBy.flatMap((use) => {
    const connection = findConnection(connections, use.uuid);
    return connection ? [{ uri: connection.uri, domain: use.domain, uuid: use.uuid }] : [];
  });
  const [clone, setClone] = useState(false);
  const [source, setSource] = useState(sources[0]?.uuid ?? '');
  const [cloneName, setCloneName] = useState(sources[0] ? `${sources[0].domain}-clone` : '');
  const from = sources.find((candidate) => candidate.uuid === source);
  const intent: IntentInput | null =
    !path.startsWith('/') || (clone && (!from || cloneName === ''))
      ? null
      : { kind: 'overlay', image: image.path, path, ...(clone && from ? { clone: { uri: from.uri, domain: from.domain, name: cloneName } } : {}) };
  return (
    <GestureForm intent={intent} onClose={onClose}>
      <p className="explain">{t('gesture.overlay.explain')}</p>
      <PathField label={t('gesture.overlay.path')} value={path} onChange={setPath} />
      {sources.length > 0 && (
        <>
          <label className="check">
            <input type="checkbox" checked={clone} onChange={(event) => setClone(event.target.checked)} />
            {t('gesture.overlay.clone')}
          </label>
          {clone && (
            <>
              {sources.length > 1 && (
                <label className="field">
                  <span>{t('gesture.overlay.cloneOf')}</span>
                  <select value={source} onChange={(event) => setSource(event.target.value)}>
                    {sources.map((candidate) => (
                      <option key={candidate.uuid} value={candidate.uuid}>
                        {candidate.domain}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <Field label={t('gesture.overlay.cloneName', { domain: from?.domain ?? '' })} value={cloneName} onChange={setCloneName} />
            </>
          )}
        </>
      )}
    </GestureForm>
  );
}

function ConvertForm({ image, existing, onClose }: { image: Image; existing: readonly string[]; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const [path, setPath] = useState(() => besideFree(image.path, '', existing));
  return (
    <GestureForm intent={path.startsWith('/') ? { kind: 'convert', image: image.path, path } : null} onClose={onClose}>
      <p className="explain">{t(image.usedBy.length > 0 ? 'gesture.convert.explainDomain' : 'gesture.convert.explain', { format: image.format })}</p>
      <PathField label={t('gesture.convert.path')} value={path} onChange={setPath} />
    </GestureForm>
  );
}

function CheckForm({ image, onClose }: { image: Image; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const [chain, setChain] = useState(false);
  const [repair, setRepair] = useState<'' | 'leaks' | 'all'>('');
  return (
    <GestureForm intent={{ kind: 'check', image: image.path, chain, ...(repair === '' ? {} : { repair }) }} onClose={onClose}>
      <p className="explain">
        <Trans t={t} i18nKey="gesture.check.explain" components={{ cmd: <code /> }} />
      </p>
      {image.backing !== null && (
        <label className="check">
          <input type="checkbox" checked={chain} onChange={(event) => setChain(event.target.checked)} />
          {t('gesture.check.chain')}
        </label>
      )}
      <label className="field">
        <span>{t('gesture.check.repair')}</span>
        <select value={repair} onChange={(event) => setRepair(event.target.value as typeof repair)}>
          <option value="">{t('gesture.check.repairNone')}</option>
          <option value="leaks">{t('gesture.check.repairLeaks')}</option>
          <option value="all">{t('gesture.check.repairAll')}</option>
        </select>
      </label>
    </GestureForm>
  );
}

/** The files below an image in its chain, nearest first, as far as the scanned headers lead. */
function chainBelow(image: Image, byPath: ReadonlyMap<string, Image>): string[] {
  const below: string[] = [];
  for (let at = image.backing?.image ?? null; at !== null && !below.includes(at) && at !== image.path; at = byPath.get(at)?.backing?.image ?? null) below.push(at);
  return below;
}

/**
 * The keyboard's way to merge, as a drag does: "Commit into…" folds this image down into one
 * below it; "Pull from…" copies the layers between up into it, backing onto the chosen one
 * (or onto nothing: flattened). The planner says in the plan what is not allowed, and why.
 */
function MergeForm({ image, gesture, below, onClose }: { image: Image; gesture: 'commit' | 'pull'; below: readonly string[]; onClose: () => void }) {
  const { t } = useTranslation('plans');
  const [choice, setChoice] = useState(below[0] ?? '');
  const intent: IntentInput | null =
    gesture === 'commit' ? (choice === '' ? null : { kind: 'commit', image: image.path, into: choice }) : { kind: 'pull', image: image.path, ...(choice === '' ? {} : { base: choice }) };
  return (
    <GestureForm intent={intent} onClose={onClose}>
      <p className="explain">{t(`gesture.${gesture}.explain`)}</p>
      <label className="field">
        <span>{t(`gesture.${gesture}.target`)}</span>
        <select value={choice} onChange={(event) => setChoice(event.target.value)}>
          {below.map((path) => (
            <option key={path} value={path}>
              {displayPath(baseName(path))}
            </option>
          ))}
          {gesture === 'pull' && <option value="">{t('gesture.pull.flatten')}</option>}
        </select>
      </label>
    </GestureForm>
  );
}

/** What can be done to an image: each gesture asks its few questions, then shows its plan. Keyed by the image: another image starts closed. */
export function ImageActions({ image }: { image: Image }) {
  const { t } = useTranslation('plans');
  const forest = useForest((state) => state.forest);
  const existing = forest?.images.map((candidate) => candidate.path) ?? [];
  const below = chainBelow(image, new Map(forest?.images.map((candidate) => [candidate.path, candidate]) ?? []));
  const [open, setOpen] = useState<Gesture | null>(null);
  const close = (): void => setOpen(null);
  // Merging needs a layer below: a base has nothing to commit into or pull from.
  const gestures: Gesture[] = ['snapshot', 'overlay', 'convert', 'check', ...(below.length > 0 ? (['commit', 'pull'] as const) : [])];
  return (
    <div className="image-actions">
      <div className="gesture-list">
        {gestures.map((gesture) => (
          <button key={gesture} type="button" aria-pressed={open === gesture} onClick={() => setOpen(open === gesture ? null : gesture)}>
            {t(`gesture.${gesture}.button`)}
          </button>
        ))}
      </div>
      {open === 'snapshot' && <SnapshotForm image={image} onClose={close} />}
      {open === 'overlay' && <OverlayForm image={image} existing={existing} onClose={close} />}
      {open === 'convert' && <ConvertForm image={image} existing={existing} onClose={close} />}
      {open === 'check' && <CheckForm image={image} onClose={close} />}
      {(open === 'commit' || open === 'pull') && <MergeForm key={open} image={image} gesture={open} below={below} onClose={close} />}
    </div>
  );
}
