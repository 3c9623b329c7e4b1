import { sentenceOf } from '../i18n/sentence';
import type { ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { baseName, formatBytes } from '../../../shared/format';
import { hasProtocol } from '../../../shared/images/backing';
import type { Image, Qcow2Details } from '../../../shared/images/model';
import { displayPath } from '../../../shared/images/path-bytes';
import { BLOCKING } from '../../../shared/images/problems';
import { useSelection } from '../shell/selection';
import { useInventory } from '../libvirt/store';
import { usePlans } from '../plans/store';
import { useForest } from './store';
import { CheckResults } from './CheckResults';
import { ImageActions } from './ImageActions';
import { FOREST_TERMS } from './terms';

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term} className="fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ImageLink({ path }: { path: string }) {
  const select = useSelection((state) => state.select);
  return (
    <button type="button" className="link" onClick={() => select({ kind: 'image', path })}>
      {displayPath(baseName(path))}
    </button>
  );
}

function ImageList({ images }: { images: readonly Image[] }) {
  return (
    <ul className="overlay-list">
      {images.map((image) => (
        <li key={image.path}>
          <ImageLink path={image.path} />
        </li>
      ))}
    </ul>
  );
}

function duration(ns: number): string {
  const total = ns / 1e9;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${(total % 60).toFixed(3).padStart(6, '0')}`;
}

/** The header's fields; `compat=` and the feature names are QEMU's own words. */
function headerRows(header: Qcow2Details, t: TFunction<'forest'>, language: string): Array<[string, ReactNode]> {
  const number = new Intl.NumberFormat(language);
  const none = t('inspector.none');
  return [
    [t('inspector.header.version'), <>{number.format(header.version)} (<code>compat={header.version === 2 ? '0.10' : '1.1'}</code>)</>],
    [t('inspector.header.clusterSize'), formatBytes(header.clusterSize)],
    [t('inspector.header.encryption'), t(`inspector.header.cryptMethod.${header.cryptMethod}`)],
    [t('inspector.header.compression'), t(`inspector.header.compressionType.${header.compressionType}`)],
    [t('inspector.header.refcountBits'), number.format(header.refcountBits)],
    [t('inspector.header.features'), header.features.length > 0 ? header.features.join(', ') : none],
    [t('inspector.header.incompatibleBits'), header.incompatibleFeatures],
    [t('inspector.header.compatibleBits'), header.compatibleFeatures],
    [t('inspector.header.autoclearBits'), header.autoclearFeatures],
    [t('inspector.header.headerLength'), t('inspector.header.bytes', { count: header.headerLength })],
    [t('inspector.header.l1Table'), t('inspector.header.entriesAt', { count: header.l1Size, offset: header.l1TableOffset })],
    [t('inspector.header.refcountTable'), t('inspector.header.clustersAt', { count: header.refcountTableClusters, offset: header.refcountTableOffset })],
    [t('inspector.header.snapshotTable'), t('inspector.header.entriesAt', { count: header.snapshotCount, offset: header.snapshotsOffset })],
    [t('inspector.header.backingName'), header.backingFileOffset ? t('inspector.header.bytesAt', { count: header.backingFileSize, offset: header.backingFileOffset }) : none],
    [t('inspector.header.bitmaps'), number.format(header.bitmapCount)],
    [
      t('inspector.header.luksHeader'),
      header.encryptionHeader ? t('inspector.header.sizeAt', { size: formatBytes(header.encryptionHeader.length), offset: header.encryptionHeader.offset }) : none,
    ],
  ];
}

/** The domains whose disks use the image, and the snapshots whose state it holds. */
function UsedBy({ image }: { image: Image }) {
  const { t } = useTranslation('forest');
  const connections = useInventory((state) => state.connections);
  const select = useSelection((state) => state.select);
  const holders = (connections ?? []).flatMap((connection) =>
    connection.domains.flatMap((domain) => domain.snapshots.filter((snapshot) => snapshot.stateFiles.includes(image.path)).map((snapshot) => ({ domain, snapshot }))),
  );
  return (
    <>
      <h3>{t('inspector.usedBy.heading')}</h3>
      {image.usedBy.length === 0 && holders.length === 0 ? (
        <p className="empty">{t('inspector.usedBy.nothing')}</p>
      ) : (
        <ul className="overlay-list" data-testid="used-by">
          {image.usedBy.map((use) => (
            <li key={use.uuid + use.target}>
              <Trans
                t={t}
                i18nKey={use.active ? 'inspector.usedBy.activeLayer' : 'inspector.usedBy.inChain'}
                values={{ domain: use.domain, target: use.target }}
                components={{ ...FOREST_TERMS, domain: <button type="button" className="link" onClick={() => select({ kind: 'domain', uuid: use.uuid })} /> }}
              />
            </li>
          ))}
          {holders.map(({ domain, snapshot }) => (
            <li key={domain.uuid + snapshot.name}>
              <Trans
                t={t}
                i18nKey="inspector.usedBy.snapshotState"
                values={{ snapshot: snapshot.name, domain: domain.name }}
                components={{ snapshot: <button type="button" className="link" onClick={() => select({ kind: 'snapshot', uuid: domain.uuid, name: snapshot.name })} /> }}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Everything Snaptree knows about one image. */
export function ImageInspector({ path }: { path: string }) {
  const { t, i18n } = useTranslation('forest');
  const forest = useForest((state) => state.forest);
  const openPlan = usePlans((state) => state.open);
  const image: Image | undefined = forest?.images.find((candidate) => candidate.path === path);
  if (!image) return <p className="empty">{t('inspector.gone', { path: displayPath(path) })}</p>;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' });
  const overlays = forest!.images.filter((candidate) => candidate.backing?.image === image.path);

  return (
    <section className="image-inspector" aria-label={t('inspector.label')}>
      <h2>{displayPath(baseName(image.path))}</h2>
      <div className="tool-path">{displayPath(image.path)}</div>
      <Facts
        rows={[
          [
            t('inspector.facts.format'),
            image.format === 'unknown'
              ? t('inspector.formatUnknown')
              : image.format === 'qcow2' || image.format === 'raw'
                ? image.format
                : t('inspector.formatReadOnly', { format: image.format }),
          ],
          [t('inspector.facts.virtualSize'), formatBytes(image.virtualSize)],
          [t('inspector.facts.onDisk'), formatBytes(image.actualSize)],
          [t('inspector.facts.folder'), image.folder ?? <Trans t={t} i18nKey="inspector.outsideFolders" components={FOREST_TERMS} />],
          [t('inspector.facts.dataFile'), image.dataFile ?? t('inspector.none')],
        ]}
      />

      <ImageActions key={image.path} image={image} />
      <CheckResults path={image.path} />

      {image.problems.length > 0 && (
        <>
          <h3>{t('inspector.problems')}</h3>
          <ul className="problems">
            {image.problems.map((problem) => (
              <li key={`${problem.code}:${problem.message}`} className={BLOCKING.has(problem.code) ? 'blocking' : 'warning'} data-problem={problem.code}>
                <b>{t(`problemTitles.${problem.code}`)}</b>
                {t('libvirt:inspector.problemSeparator')}
                {sentenceOf(t, problem)}
              </li>
            ))}
          </ul>
        </>
      )}

      <UsedBy image={image} />

      <h3>
        <Trans t={t} i18nKey="inspector.backing.heading" components={FOREST_TERMS} />
      </h3>
      <p className="explain">{t('inspector.backing.explain')}</p>
      {image.backing === null ? (
        <p className="empty">{t('inspector.backing.none')}</p>
      ) : (
        <Facts
          rows={[
            [
              t('inspector.backing.file'),
              image.backing.image ? (
                <ImageLink path={image.backing.image} />
              ) : (
                <span className="bad">{t(hasProtocol(image.backing.name) ? 'inspector.backing.notFollowed' : 'inspector.backing.missing')}</span>
              ),
            ],
            [t('inspector.backing.nameInHeader'), <code key="name">{displayPath(image.backing.name)}</code>],
            [t('inspector.backing.resolvedPath'), <code key="path">{displayPath(image.backing.path)}</code>],
            [t('inspector.backing.recordedFormat'), image.backing.format ?? t('inspector.backing.notRecorded')],
          ]}
        />
      )}

      <h3>
        <Trans t={t} i18nKey="inspector.overlays.heading" components={FOREST_TERMS} />
      </h3>
      <p className="explain">{t('inspector.overlays.explain')}</p>
      {overlays.length === 0 ? (
        <p className="empty">{t('inspector.noneSentence')}</p>
      ) : (
        <ImageList images={overlays} />
      )}

      <h3>
        <Trans t={t} i18nKey="inspector.snapshots.heading" components={FOREST_TERMS} />
      </h3>
      <p className="explain">{t('inspector.snapshots.explain')}</p>
      {image.snapshots.length === 0 ? (
        <p className="empty">{t('inspector.noneSentence')}</p>
      ) : (
        <table className="snapshot-table">
          <thead>
            <tr>
              <th>{t('inspector.snapshots.id')}</th>
              <th>{t('inspector.snapshots.name')}</th>
              <th>{t('inspector.snapshots.date')}</th>
              <th>{t('inspector.snapshots.vmClock')}</th>
              <th>{t('inspector.snapshots.memory')}</th>
              <th>{t('inspector.snapshots.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {image.snapshots.map((snapshot) => (
              <tr key={snapshot.id}>
                <td>{snapshot.id}</td>
                <td>{snapshot.name}</td>
                <td>{date.format(new Date(snapshot.date))}</td>
                <td className="clock">{duration(snapshot.vmClockNs)}</td>
                <td className="memory">{snapshot.vmStateSize === 0 ? t('inspector.snapshots.diskOnly') : formatBytes(snapshot.vmStateSize)}</td>
                <td className="row-actions">
                  {/* Each shows its plan first; a domain's disk is refused there, with the way through the domain. */}
                  <button type="button" onClick={() => void openPlan({ kind: 'image-revert', image: image.path, name: snapshot.name })}>
                    {t('inspector.snapshots.revert')}
                  </button>
                  <button type="button" onClick={() => void openPlan({ kind: 'image-snapshot-delete', image: image.path, name: snapshot.name })}>
                    {t('inspector.snapshots.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {image.qcow2 && (
        <>
          <h3>{t('inspector.header.heading')}</h3>
          <Facts rows={headerRows(image.qcow2, t, i18n.language)} />
        </>
      )}
    </section>
  );
}

export function MissingInspector({ path }: { path: string }) {
  const { t } = useTranslation('forest');
  const forest = useForest((state) => state.forest);
  const overlays = (forest?.images ?? []).filter((image) => image.backing !== null && !image.backing.exists && image.backing.path === path);
  return (
    <section className="image-inspector" aria-label={t('missing.label')}>
      <h2>{displayPath(hasProtocol(path) ? path : baseName(path))}</h2>
      <div className="tool-path">{displayPath(path)}</div>
      {hasProtocol(path) ? (
        <p className="explain">
          <Trans t={t} i18nKey="missing.protocol" components={FOREST_TERMS} />
        </p>
      ) : (
        <p className="bad">
          <Trans t={t} i18nKey="missing.absent" components={FOREST_TERMS} />
        </p>
      )}
      <ImageList images={overlays} />
    </section>
  );
}
