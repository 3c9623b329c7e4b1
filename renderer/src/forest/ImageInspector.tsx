import type { ReactNode } from 'react';
import { baseName, formatBytes } from '../../../shared/format';
import { hasProtocol } from '../../../shared/images/backing';
import type { Image, Qcow2Details } from '../../../shared/images/model';
import { displayPath } from '../../../shared/images/path-bytes';
import { BLOCKING, PROBLEM_TITLES } from '../../../shared/images/problems';
import { useSelection } from '../shell/selection';
import { useInventory } from '../libvirt/store';
import { useForest } from './store';

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

function headerRows(header: Qcow2Details): Array<[string, ReactNode]> {
  return [
    ['Version', `${header.version} (compat=${header.version === 2 ? '0.10' : '1.1'})`],
    ['Cluster size', formatBytes(header.clusterSize)],
    ['Encryption', header.cryptMethod],
    ['Compression', header.compressionType],
    ['Refcount bits', header.refcountBits],
    ['Features', header.features.length > 0 ? header.features.join(', ') : 'none'],
    ['Incompatible bits', header.incompatibleFeatures],
    ['Compatible bits', header.compatibleFeatures],
    ['Autoclear bits', header.autoclearFeatures],
    ['Header length', `${header.headerLength} bytes`],
    ['L1 table', `${header.l1Size} entries at ${header.l1TableOffset}`],
    ['Refcount table', `${header.refcountTableClusters} clusters at ${header.refcountTableOffset}`],
    ['Snapshot table', `${header.snapshotCount} entries at ${header.snapshotsOffset}`],
    ['Backing name', header.backingFileOffset ? `${header.backingFileSize} bytes at ${header.backingFileOffset}` : 'none'],
    ['Bitmaps', header.bitmapCount],
    ['LUKS header', header.encryptionHeader ? `${formatBytes(header.encryptionHeader.length)} at ${header.encryptionHeader.offset}` : 'none'],
  ];
}

/** The domains whose disks use the image, and the snapshots whose state it holds. */
function UsedBy({ image }: { image: Image }) {
  const connections = useInventory((state) => state.connections);
  const select = useSelection((state) => state.select);
  const holders = (connections ?? []).flatMap((connection) =>
    connection.domains.flatMap((domain) => domain.snapshots.filter((snapshot) => snapshot.stateFiles.includes(image.path)).map((snapshot) => ({ domain, snapshot }))),
  );
  return (
    <>
      <h3>Used by</h3>
      {image.usedBy.length === 0 && holders.length === 0 ? (
        <p className="empty">No domain and no snapshot.</p>
      ) : (
        <ul className="overlay-list" data-testid="used-by">
          {image.usedBy.map((use) => (
            <li key={use.uuid + use.target}>
              <button type="button" className="link" onClick={() => select({ kind: 'domain', uuid: use.uuid })}>
                {use.domain}
              </button>{' '}
              disk {use.target}
              {use.active ? ': the active layer QEMU writes to' : ': in its backing chain'}
            </li>
          ))}
          {holders.map(({ domain, snapshot }) => (
            <li key={domain.uuid + snapshot.name}>
              <button type="button" className="link" onClick={() => select({ kind: 'snapshot', uuid: domain.uuid, name: snapshot.name })}>
                {snapshot.name}
              </button>{' '}
              of {domain.name} keeps its state here
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Everything Snaptree knows about one image. */
export function ImageInspector({ path }: { path: string }) {
  const forest = useForest((state) => state.forest);
  const image: Image | undefined = forest?.images.find((candidate) => candidate.path === path);
  if (!image) return <p className="empty">{displayPath(path)} is no longer in the forest.</p>;
  const overlays = forest!.images.filter((candidate) => candidate.backing?.image === image.path);

  return (
    <section className="image-inspector" aria-label="Image">
      <h2>{displayPath(baseName(image.path))}</h2>
      <div className="tool-path">{displayPath(image.path)}</div>
      <Facts
        rows={[
          ['Format', image.format === 'unknown' ? 'unknown: the file could not be read' : image.format === 'qcow2' || image.format === 'raw' ? image.format : `${image.format} (shown read-only)`],
          ['Virtual size', formatBytes(image.virtualSize)],
          ['On disk', formatBytes(image.actualSize)],
          ['Folder', image.folder ?? 'outside the watched folders (found as a backing file)'],
          ['Data file', image.dataFile ?? 'none'],
        ]}
      />

      {image.problems.length > 0 && (
        <>
          <h3>Problems</h3>
          <ul className="problems">
            {image.problems.map((problem) => (
              <li key={`${problem.code}:${problem.message}`} className={BLOCKING.has(problem.code) ? 'blocking' : 'warning'} data-problem={problem.code}>
                <b>{PROBLEM_TITLES[problem.code]}</b> {displayPath(problem.message)}
              </li>
            ))}
          </ul>
        </>
      )}

      <UsedBy image={image} />

      <h3>Backing file</h3>
      <p className="explain">The read-only image this one records its changes on top of.</p>
      {image.backing === null ? (
        <p className="empty">None: this is a base image.</p>
      ) : (
        <Facts
          rows={[
            ['Backing file', image.backing.image ? <ImageLink path={image.backing.image} /> : <span className="bad">{hasProtocol(image.backing.name) ? 'not followed' : 'missing'}</span>],
            ['Name in header', <code key="name">{displayPath(image.backing.name)}</code>],
            ['Resolved path', <code key="path">{displayPath(image.backing.path)}</code>],
            ['Recorded format', image.backing.format ?? 'not recorded'],
          ]}
        />
      )}

      <h3>Overlays</h3>
      <p className="explain">Images that use this one as their backing file: it must not change while they do.</p>
      {overlays.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <ImageList images={overlays} />
      )}

      <h3>Internal snapshots</h3>
      <p className="explain">Saved states stored inside this file only (not its backing files).</p>
      {image.snapshots.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <table className="snapshot-table">
          <thead>
            <tr>
              <th>ID</th>
              <th>Name</th>
              <th>Date</th>
              <th>VM clock</th>
              <th>Memory</th>
            </tr>
          </thead>
          <tbody>
            {image.snapshots.map((snapshot) => (
              <tr key={snapshot.id}>
                <td>{snapshot.id}</td>
                <td>{snapshot.name}</td>
                <td>{new Date(snapshot.date).toLocaleString()}</td>
                <td>{duration(snapshot.vmClockNs)}</td>
                <td>{snapshot.vmStateSize === 0 ? 'disk only' : formatBytes(snapshot.vmStateSize)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {image.qcow2 && (
        <>
          <h3>qcow2 header</h3>
          <Facts rows={headerRows(image.qcow2)} />
        </>
      )}
    </section>
  );
}

export function MissingInspector({ path }: { path: string }) {
  const forest = useForest((state) => state.forest);
  const overlays = (forest?.images ?? []).filter((image) => image.backing !== null && !image.backing.exists && image.backing.path === path);
  return (
    <section aria-label="Missing backing file">
      <h2>{displayPath(hasProtocol(path) ? path : baseName(path))}</h2>
      <div className="tool-path">{displayPath(path)}</div>
      {hasProtocol(path) ? (
        <p className="explain">A QEMU protocol string, not a file name: QEMU opens it over the network or as a JSON description, and Snaptree does not follow it. These overlays name it:</p>
      ) : (
        <p className="bad">No image file is there (their problems say what is). These overlays name it and cannot be opened until it is restored or they are rebased:</p>
      )}
      <ImageList images={overlays} />
    </section>
  );
}
