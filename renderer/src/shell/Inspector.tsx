import { ImageInspector, MissingInspector } from '../forest/ImageInspector';
import { ToolsPanel } from '../tools/ToolsPanel';
import { useSelection } from './selection';

export function Inspector() {
  const selection = useSelection((state) => state.selection);
  return (
    <aside className="inspector" aria-label="Inspector">
      {selection?.kind === 'host' ? (
        <ToolsPanel />
      ) : selection?.kind === 'image' ? (
        <ImageInspector path={selection.path} />
      ) : selection?.kind === 'missing' ? (
        <MissingInspector path={selection.path} />
      ) : (
        <p className="empty">
          Select an image, a snapshot or a host to see its details here: header fields, sizes, internal snapshots and
          problems.
        </p>
      )}
    </aside>
  );
}
