import type { ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { baseName } from '../../../shared/format';
import type { Domain, DomainDisk, LibvirtProblem } from '../../../shared/libvirt/model';
import { waitsForPivot } from '../../../shared/virsh/blockjob';
import { Term } from '../i18n/Term';
import { useSelection } from '../shell/selection';
import { sentenceOf } from '../i18n/sentence';
import { DiskKind, domainStateLabel, MemoryKind, SnapshotKinds, stateLabel } from './describe';
import { useScreenshot } from './screenshots';
import { SnapshotActions, snapshotTarget } from './SnapshotActions';
import { useSnapshotDialog } from './SnapshotDialog';
import { dropReason, useDrag, useDropMark } from '../forest/drag';
import { usePlans } from '../plans/store';
import { findDomain, useInventory } from './store';

function Problems({ problems }: { problems: readonly LibvirtProblem[] }) {
  const { t } = useTranslation('libvirt');
  if (problems.length === 0) return null;
  return (
    <>
      <h3>{t('inspector.problems')}</h3>
      <ul className="problems">
        {problems.map((problem) => (
          <li key={problem.code + problem.message} className="blocking" data-problem={problem.code}>
            <b>{t(`problem.${problem.code}.title`)}</b>
            {t('inspector.problemSeparator')}
            {sentenceOf(t, problem)}
          </li>
        ))}
      </ul>
    </>
  );
}

function FileLink({ path }: { path: string }) {
  const select = useSelection((state) => state.select);
  return (
    <button type="button" className="link" title={path} onClick={() => select({ kind: 'image', path })}>
      {baseName(path)}
    </button>
  );
}

/** `disk, qcow2, read-only`: what libvirt says of the device, as a list in the window's language. */
function DiskFacts({ disk }: { disk: DomainDisk }) {
  const { t } = useTranslation('libvirt');
  const facts = [
    t(`inspector.device.${disk.device}`, { defaultValue: disk.device }),
    disk.format ?? t('inspector.noFormat'),
    disk.readonly && t('inspector.readOnly'),
    disk.shareable && t('inspector.shareable'),
  ];
  return <>{facts.filter(Boolean).join(t('inspector.listSeparator'))}</>;
}

/**
 * A layer of a disk's chain, which can be dragged onto another layer to merge, as in the
 * forest: below it, a commit; above it, a pull. The core says where a drop is allowed.
 */
function ChainLayer({ path, children }: { path: string; children: ReactNode }) {
  const { t } = useTranslation('plans');
  const mark = useDropMark(path);
  const openPlan = usePlans((state) => state.open);
  const title = mark?.target === undefined ? undefined : dropReason(t, mark.target);
  return (
    <li
      draggable
      className={[mark && `drop-${mark.state}`, mark?.over && 'drop-over'].filter(Boolean).join(' ') || undefined}
      data-drop={mark?.state}
      title={title}
      onDragStart={(event) => {
        event.dataTransfer.effectAllowed = 'move';
        useDrag.getState().start(path);
      }}
      onDragOver={(event) => {
        useDrag.getState().hover(path);
        // Only where a drop plans a merge does the pointer say it may be dropped (the drop checks again).
        const { targets } = useDrag.getState();
        if (targets.size === 0 || targets.get(path)?.allowed) event.preventDefault();
      }}
      onDragLeave={() => useDrag.getState().hover(null)}
      onDrop={(event) => {
        event.preventDefault();
        const chosen = useDrag.getState().end();
        if (chosen) void openPlan(chosen.intent);
      }}
      onDragEnd={() => {
        if (useDrag.getState().dragged !== null) useDrag.getState().end();
      }}
    >
      {children}
    </li>
  );
}

function Disks({ domain, title }: { domain: Domain; title: string }) {
  const { t } = useTranslation('libvirt');
  return (
    <>
      <h3>{title}</h3>
      <p className="explain">
        <Trans t={t} i18nKey="inspector.chainExplain" components={{ activeLayer: <Term name="activeLayer" /> }} />
      </p>
      {domain.disks.map((disk) => (
        <div key={disk.target} className="disk">
          <div className="fact">
            <dt>{disk.target}</dt>
            <dd>
              <DiskFacts disk={disk} />
            </dd>
          </div>
          {disk.blockJob && (
            <p className="block-job" data-testid="block-job">
              {t(waitsForPivot(disk.blockJob) ? 'inspector.blockJob.waitsForPivot' : 'inspector.blockJob.running', { type: disk.blockJob.type })}
            </p>
          )}
          <ol className="chain">
            {disk.chain.map((path, level) => (
              <ChainLayer key={path} path={path}>
                <FileLink path={path} />{' '}
                {level === 0 && (
                  <span className="badge domain-use active">
                    <Term name="activeLayer" />
                  </span>
                )}
              </ChainLayer>
            ))}
          </ol>
          <details>
            <summary>{t('inspector.diskXml', { target: disk.target })}</summary>
            <pre className="xml">{disk.xml}</pre>
          </details>
        </div>
      ))}
    </>
  );
}

export function DomainInspector({ uuid }: { uuid: string }) {
  const { t } = useTranslation('libvirt');
  const openSnapshot = useSnapshotDialog((state) => state.open);
  const domain = findDomain(useInventory((state) => state.connections), uuid);
  if (!domain) return <p className="empty">{t('inspector.domain.gone')}</p>;
  const current = domain.snapshots.find((snapshot) => snapshot.current);
  return (
    <section aria-label={t('inspector.domain.label')}>
      <h2>{domain.name}</h2>
      <div className="gesture-list">
        <button type="button" onClick={() => openSnapshot(domain.uuid)}>
          {t('plans:snapshot.open')}
        </button>
      </div>
      <dl className="facts">
        <div className="fact">
          <dt>{t('inspector.domain.state')}</dt>
          <dd>{domainStateLabel(t, domain)}</dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.domain.uuid')}</dt>
          <dd>{domain.uuid}</dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.domain.persistent')}</dt>
          <dd>{domain.persistent ? t('inspector.domain.persistentYes') : t('inspector.domain.persistentNo')}</dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.domain.currentSnapshot')}</dt>
          <dd>{current?.name ?? t('inspector.domain.noCurrent')}</dd>
        </div>
      </dl>
      <Problems problems={domain.problems} />
      <Disks domain={domain} title={t('inspector.domain.disks')} />
    </section>
  );
}

/** The screen as the snapshot was taken, large; nothing where none was kept. */
function Screenshot({ domain, name }: { domain: Domain; name: string }) {
  const { t } = useTranslation('libvirt');
  const png = useScreenshot(domain, name);
  return png ? <img className="snapshot-screenshot" src={png} alt={t('node.screenshot', { name })} /> : null;
}

export function SnapshotInspector({ uuid, name }: { uuid: string; name: string }) {
  const { t } = useTranslation('libvirt');
  const connections = useInventory((state) => state.connections);
  const domain = findDomain(connections, uuid);
  const snapshot = domain?.snapshots.find((candidate) => candidate.name === name);
  if (!domain || !snapshot) return <p className="empty">{t('inspector.snapshot.gone')}</p>;
  const target = snapshotTarget(connections, domain, snapshot);
  return (
    <section aria-label={t('inspector.snapshot.label')}>
      <h2>{snapshot.name}</h2>
      <div className="tool-path">{t('inspector.snapshot.of', { domain: domain.name })}</div>
      {/* Keyed by the snapshot: another one starts with its forms closed. */}
      {target && <SnapshotActions key={`${uuid}\n${name}`} target={target} />}
      {snapshot.otherBranch && <p className="explain">{t('node.otherBranchExplain')}</p>}
      <Screenshot domain={domain} name={snapshot.name} />
      {snapshot.description && <p>{snapshot.description}</p>}
      <dl className="facts">
        <div className="fact">
          <dt>{t('inspector.snapshot.taken')}</dt>
          <dd>{t('inspector.snapshot.takenAt', { date: new Date(snapshot.createdAt) })}</dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.snapshot.domainWas')}</dt>
          <dd>{stateLabel(t, snapshot.state)}</dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.snapshot.kind')}</dt>
          <dd>
            <Trans
              t={t}
              i18nKey="inspector.snapshot.kindAndMemory"
              components={{ kind: <SnapshotKinds snapshot={snapshot} />, memory: <MemoryKind snapshot={snapshot} /> }}
            />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.snapshot.parent')}</dt>
          <dd>{snapshot.parent ?? t('inspector.snapshot.root')}</dd>
        </div>
        <div className="fact">
          <dt>{t('inspector.snapshot.current')}</dt>
          <dd>{snapshot.current ? t('inspector.snapshot.currentYes') : t('inspector.snapshot.currentNo')}</dd>
        </div>
        {snapshot.memoryFile && (
          <div className="fact">
            <dt>{t('inspector.snapshot.memoryFile')}</dt>
            <dd>{snapshot.memoryFile}</dd>
          </div>
        )}
      </dl>
      <Problems problems={snapshot.problems} />
      <h3>{t('inspector.snapshot.stateLives')}</h3>
      <p className="explain">
        <Trans
          t={t}
          i18nKey="inspector.snapshot.stateExplain"
          components={{
            internal: <Term name="internal" />,
            external: <Term name="external" />,
            backingFile: <Term name="backingFile" />,
            overlay: <Term name="overlay" />,
          }}
        />
      </p>
      <ul className="overlay-list" data-testid="state-files">
        {snapshot.stateFiles.map((path) => (
          <li key={path}>
            <FileLink path={path} />
          </li>
        ))}
      </ul>
      {snapshot.stateFiles.length === 0 && <p className="explain">{t('inspector.snapshot.noStateFiles')}</p>}
      <h3>{t('inspector.snapshot.disksThen')}</h3>
      <ul className="overlay-list">
        {snapshot.disks.map((disk) => (
          <li key={disk.target}>
            <Trans
              t={t}
              i18nKey={disk.file ? 'inspector.snapshot.diskKindOverlay' : 'inspector.snapshot.diskKind'}
              values={{ target: disk.target }}
              components={{ kind: <DiskKind kind={disk.snapshot} />, overlay: <Term name="overlay" />, file: disk.file ? <FileLink path={disk.file} /> : <></> }}
            />
          </li>
        ))}
      </ul>
      <Disks domain={domain} title={t('inspector.snapshot.disksNow', { domain: domain.name })} />
    </section>
  );
}
