import { useEffect } from 'react';
import { baseName } from '../../../shared/format';
import { AddForm } from '../shell/AddForm';
import { useFolders } from './store';

/** The sidebar's list of watched folders, with add and remove. */
export function WatchedFolders() {
  const { folders, canChooseFolder, error, load, add, choose, remove, createDemo, creatingDemo } = useFolders();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-label="Watched folders">
      {folders?.length === 0 && (
        <p className="empty">
          Folders holding disk images (qcow2, raw…). Their images are drawn as a forest in the centre. New here?{' '}
          <button type="button" className="link side-link" onClick={() => void createDemo()} disabled={creatingDemo}>
            {creatingDemo ? 'creating the demo…' : 'Create a demo workspace'}
          </button>
        </p>
      )}
      <ul className="folder-list">
        {folders?.map((folder) => (
          <li key={folder} title={folder}>
            <span className="folder-name">{baseName(folder) || folder}</span>
            <span className="side-note">{folder}</span>
            <button type="button" className="folder-remove" aria-label={`Stop watching ${folder}`} onClick={() => void remove(folder)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {canChooseFolder ? (
        <button type="button" className="side-action" onClick={() => void choose()}>
          + Watch a folder…
        </button>
      ) : (
        <AddForm label="Folder path" placeholder="/var/lib/libvirt/images" action="Watch" onAdd={add} />
      )}
      {error && <p className="form-error">{error}</p>}
    </section>
  );
}
