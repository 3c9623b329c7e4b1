/**
 * The window's words for a domain and its snapshots, from the `libvirt` catalogue, keyed by
 * libvirt's codes. shared/libvirt/describe.ts keeps the CLI's English; this is its twin in
 * the user's language, with the terms taught where they appear.
 */
import type { TFunction } from 'i18next';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { snapshotDiskKinds } from '../../../shared/libvirt/describe';
import type { Domain, Snapshot, SnapshotDisk } from '../../../shared/libvirt/model';
import { Term } from '../i18n/Term';

type T = TFunction<'libvirt'>;

/** virsh domstate's words where they differ from libvirt's code for the state (which the snapshot XML writes). */
const DOMSTATE_CODE: Readonly<Record<string, string>> = { idle: 'blocked', 'in shutdown': 'shutdown', 'shut off': 'shutoff', 'no state': 'nostate' };

/** A state by its code (`shutoff`, `disk-snapshot` …); a code this catalogue does not know, as libvirt wrote it. */
export function stateLabel(t: T, code: string): string {
  return t(`state.${code}`, { defaultValue: code });
}

/** What the domain is doing now, and why, from virsh domstate --reason's words. */
export function domainStateLabel(t: T, domain: Domain): string {
  const state = stateLabel(t, DOMSTATE_CODE[domain.state] ?? domain.state);
  if (domain.stateReason === null) return state;
  return t('stateWithReason', { state, reason: t(`reason.${domain.stateReason}`, { defaultValue: domain.stateReason }) });
}

/** How a snapshot keeps one disk: internal and external are taught where they appear. */
export function DiskKind({ kind }: { kind: SnapshotDisk['snapshot'] }) {
  const { t } = useTranslation('libvirt');
  const word = t(`kind.${kind}`);
  return kind === 'internal' || kind === 'external' ? <Term name={kind}>{word}</Term> : <>{word}</>;
}

/** How the snapshot keeps its disks, each kind once: `internal`, `internal + external`, or no disks. */
export function SnapshotKinds({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation('libvirt');
  const kinds = snapshotDiskKinds(snapshot);
  if (kinds.length === 0) return <>{t('kind.none')}</>;
  return kinds.map((kind, n) => (
    <Fragment key={kind}>
      {n > 0 && t('kindSeparator')}
      <DiskKind kind={kind} />
    </Fragment>
  ));
}

/** Whether the snapshot saved the memory too: a system checkpoint, with its memory in the image or a file of its own. */
export function MemoryKind({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation('libvirt');
  const word = t(`memory.${snapshot.memory}`);
  return snapshot.memory === 'no' ? <>{word}</> : <Term name="checkpoint">{word}</Term>;
}
