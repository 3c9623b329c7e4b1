import { baseName } from '../../../shared/format';
import { memoryKind, snapshotKind, snapshotStateLabel } from '../../../shared/libvirt/describe';
import type { Domain, LibvirtProblem } from '../../../shared/libvirt/model';
import { useSelection } from '../shell/selection';
import { findDomain, useInventory } from './store';

function Problems({ problems }: { problems: readonly LibvirtProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <>
      <h3>Problems</h3>
      <ul className="problems">
        {problems.map((problem) => (
          <li key={problem.code + problem.message} className="blocking" data-problem={problem.code}>
            <b>{problem.code.replaceAll('-', ' ')}</b> {problem.message}
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

function Disks({ domain, title }: { domain: Domain; title: string }) {
  return (
    <>
      <h3>{title}</h3>
      <p className="explain">Each disk's chain, from the active layer QEMU writes to down to the base.</p>
      {domain.disks.map((disk) => (
        <div key={disk.target} className="disk">
          <div className="fact">
            <dt>{disk.target}</dt>
            <dd>
              {disk.device}, {disk.format ?? 'no format'}
              {disk.readonly && ', read-only'}
              {disk.shareable && ', shareable'}
            </dd>
          </div>
          <ol className="chain">
            {disk.chain.map((path, level) => (
              <li key={path}>
                <FileLink path={path} /> {level === 0 && <span className="badge domain-use active">active layer</span>}
              </li>
            ))}
          </ol>
          <details>
            <summary>Domain XML of {disk.target}</summary>
            <pre className="xml">{disk.xml}</pre>
          </details>
        </div>
      ))}
    </>
  );
}

export function DomainInspector({ uuid }: { uuid: string }) {
  const domain = findDomain(useInventory((state) => state.connections), uuid);
  if (!domain) return <p className="empty">This domain is no longer defined.</p>;
  const current = domain.snapshots.find((snapshot) => snapshot.current);
  return (
    <section aria-label="Domain">
      <h2>{domain.name}</h2>
      <dl className="facts">
        <div className="fact">
          <dt>State</dt>
          <dd>
            {domain.state}
            {domain.stateReason && ` (${domain.stateReason})`}
          </dd>
        </div>
        <div className="fact">
          <dt>UUID</dt>
          <dd>{domain.uuid}</dd>
        </div>
        <div className="fact">
          <dt>Persistent</dt>
          <dd>{domain.persistent ? 'yes' : 'no (transient: gone when it stops)'}</dd>
        </div>
        <div className="fact">
          <dt>Current snapshot</dt>
          <dd>{current?.name ?? 'none'}</dd>
        </div>
      </dl>
      <Problems problems={domain.problems} />
      <Disks domain={domain} title="Disks" />
    </section>
  );
}

export function SnapshotInspector({ uuid, name }: { uuid: string; name: string }) {
  const domain = findDomain(useInventory((state) => state.connections), uuid);
  const snapshot = domain?.snapshots.find((candidate) => candidate.name === name);
  if (!domain || !snapshot) return <p className="empty">This snapshot no longer exists.</p>;
  return (
    <section aria-label="Snapshot">
      <h2>{snapshot.name}</h2>
      <div className="tool-path">snapshot of {domain.name}</div>
      {snapshot.description && <p>{snapshot.description}</p>}
      <dl className="facts">
        <div className="fact">
          <dt>Taken</dt>
          <dd>{new Date(snapshot.createdAt).toLocaleString()}</dd>
        </div>
        <div className="fact">
          <dt>Domain was</dt>
          <dd>{snapshotStateLabel(snapshot)}</dd>
        </div>
        <div className="fact">
          <dt>Kind</dt>
          <dd>
            {snapshotKind(snapshot)}, {memoryKind(snapshot)}
          </dd>
        </div>
        <div className="fact">
          <dt>Parent</dt>
          <dd>{snapshot.parent ?? 'none (a root)'}</dd>
        </div>
        <div className="fact">
          <dt>Current</dt>
          <dd>{snapshot.current ? 'yes: NOW hangs from it' : 'no'}</dd>
        </div>
        {snapshot.memoryFile && (
          <div className="fact">
            <dt>Memory file</dt>
            <dd>{snapshot.memoryFile}</dd>
          </div>
        )}
      </dl>
      <Problems problems={snapshot.problems} />
      <h3>Where its state lives</h3>
      <p className="explain">
        Internal: inside the image that carries it. External: in the backing file below the overlay made at that
        point. These files are highlighted in the disk forest.
      </p>
      <ul className="overlay-list" data-testid="state-files">
        {snapshot.stateFiles.map((path) => (
          <li key={path}>
            <FileLink path={path} />
          </li>
        ))}
      </ul>
      {snapshot.stateFiles.length === 0 && <p className="explain">No image read on this machine holds it: its files are on the domain's host, or gone.</p>}
      <h3>Disks at this snapshot</h3>
      <ul className="overlay-list">
        {snapshot.disks.map((disk) => (
          <li key={disk.target}>
            {disk.target}: {disk.snapshot}
            {disk.file && (
              <>
                , overlay made then: <FileLink path={disk.file} />
              </>
            )}
          </li>
        ))}
      </ul>
      <Disks domain={domain} title={`${domain.name}'s disks now`} />
    </section>
  );
}
