import { ToolsPanel } from '../tools/ToolsPanel';
import { useSelection } from './selection';

export function Inspector() {
  const selection = useSelection((state) => state.selection);
  return (
    <aside className="inspector" aria-label="Inspector">
      {selection?.kind === 'host' ? (
        <ToolsPanel />
      ) : (
        <p className="empty">
          Select an image, a snapshot or a host to see its details here: header fields, sizes, internal snapshots and
          problems.
        </p>
      )}
    </aside>
  );
}
