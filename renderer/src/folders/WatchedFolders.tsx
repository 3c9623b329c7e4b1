import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { baseName } from '../../../shared/format';
import { AddForm } from '../shell/AddForm';
import { useFolders } from './store';

/** The sidebar's list of watched folders, with add and remove. */
export function WatchedFolders() {
  const { t } = useTranslation('shell');
  const { folders, canChooseFolder, error, load, add, choose, remove, createDemo, creatingDemo } = useFolders();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-label={t('folders.label')}>
      {folders?.length === 0 && (
        <p className="empty">
          {t('folders.empty')}{' '}
          <button type="button" className="link side-link" onClick={() => void createDemo()} disabled={creatingDemo}>
            {creatingDemo ? t('folders.creatingDemo') : t('demo.create')}
          </button>
        </p>
      )}
      <ul className="folder-list">
        {folders?.map((folder) => (
          <li key={folder} title={folder}>
            <span className="folder-name">{baseName(folder) || folder}</span>
            <span className="side-note">{folder}</span>
            <button type="button" className="folder-remove" aria-label={t('folders.stopWatching', { folder })} onClick={() => void remove(folder)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {canChooseFolder ? (
        <button type="button" className="side-action" onClick={() => void choose()}>
          {t('folders.choose')}
        </button>
      ) : (
        <AddForm label={t('folders.path')} placeholder="/var/lib/libvirt/images" action={t('folders.watch')} onAdd={add} />
      )}
      {error && <p className="form-error">{error}</p>}
    </section>
  );
}
