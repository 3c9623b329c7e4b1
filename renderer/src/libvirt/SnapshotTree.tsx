import { InGraph } from '../i18n/Term';
import { Background, Controls, ReactFlow, useReactFlow, useStore, type Edge, type NodeMouseHandler } from '@xyflow/react';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Domain } from '../../../shared/libvirt/model';
import { layoutSnapshots, NOW_ID, SNAPSHOT_HEIGHT, SNAPSHOT_WIDTH, snapshotId } from '../../../shared/libvirt/snapshot-layout';
import { fitsWhole, fixedGeometry } from '../graph/geometry';
import { usePlans } from '../plans/store';
import { useSelection } from '../shell/selection';
import { deleteIntent, snapshotTarget } from './SnapshotActions';
import { NowNode, SnapshotNode, type NowFlowNode, type SnapshotFlowNode } from './SnapshotNode';
import { useInventory } from './store';

const nodeTypes = { snapshot: SnapshotNode, now: NowNode };
type TreeNode = SnapshotFlowNode | NowFlowNode;

const GEOMETRY = fixedGeometry(SNAPSHOT_WIDTH, SNAPSHOT_HEIGHT, 'down');
/** Below this zoom a snapshot's name and time can no longer be read. */
const READABLE_ZOOM = 0.6;
/** How many generations above NOW stay in view when the whole tree cannot. */
const ANCESTORS_IN_VIEW = 3;

/** NOW and the snapshots just above it: what a long tree opens on. */
function presentAndRecent(domain: Domain): string[] {
  const byName = new Map(domain.snapshots.map((snapshot) => [snapshot.name, snapshot]));
  const ids = [NOW_ID];
  let snapshot = domain.snapshots.find((candidate) => candidate.current);
  for (let n = 0; snapshot && n < ANCESTORS_IN_VIEW; n++) {
    ids.push(snapshotId(snapshot.name));
    snapshot = snapshot.parent === null ? undefined : byName.get(snapshot.parent);
  }
  return ids;
}

/** One domain's snapshot tree: roots at the top, the current snapshot marked, NOW hanging from it. */
export function SnapshotTree({ domain }: { domain: Domain }) {
  const { t } = useTranslation('libvirt');
  const { selection, select } = useSelection();
  const flow = useReactFlow();
  const layout = useMemo(() => layoutSnapshots(domain.snapshots), [domain.snapshots]);
  const shape = layout.placed.map((place) => place.id).join('\n');

  const paneWidth = useStore((state) => state.width);
  const paneHeight = useStore((state) => state.height);
  /** The shape last brought into view: a resize of the window must not undo the user's scrolling. */
  const fitted = useRef<string | null>(null);

  // The whole tree when it can be read at once; else NOW and the snapshots just above it,
  // at a readable size, the rest a scroll away. Again whenever the set of snapshots
  // changes (not when only states or the current one do): a new one must not land off screen.
  useEffect(() => {
    if (paneWidth === 0 || paneHeight === 0 || fitted.current === shape) return;
    const fitsReadably = fitsWhole(layout.placed, GEOMETRY, { width: paneWidth, height: paneHeight }, READABLE_ZOOM);
    const nodes = fitsReadably ? undefined : presentAndRecent(domain).map((id) => ({ id }));
    const frame = requestAnimationFrame(() => {
      fitted.current = shape;
      void flow.fitView({ nodes, maxZoom: 1, minZoom: fitsReadably ? undefined : READABLE_ZOOM });
    });
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new shape moves the view; the pane's first size too
  }, [shape, flow, paneWidth, paneHeight]);
  const byId = useMemo(() => new Map(domain.snapshots.map((snapshot) => [snapshotId(snapshot.name), snapshot])), [domain.snapshots]);

  const nodes = useMemo<TreeNode[]>(() => {
    const selectedId = selection?.kind === 'snapshot' ? snapshotId(selection.name) : selection?.kind === 'domain' ? NOW_ID : null;
    return layout.placed.map((place): TreeNode => {
      const common = { id: place.id, position: { x: place.x, y: place.y }, ...GEOMETRY, selected: place.id === selectedId, draggable: false };
      const snapshot = byId.get(place.id);
      return snapshot ? { ...common, type: 'snapshot', data: { snapshot, domain } } : { ...common, type: 'now', data: { domain } };
    });
  }, [layout, byId, selection, domain]);

  const edges = useMemo<Edge[]>(
    () => layout.links.map((link) => ({ id: `${link.from}→${link.to}`, source: link.from, target: link.to, className: link.to === NOW_ID ? 'edge-now' : undefined })),
    [layout],
  );

  // React Flow's own labels and screen-reader descriptions, in the window's language.
  const ariaLabelConfig = useMemo(
    () => ({
      'controls.ariaLabel': t('tree.controls'),
      'controls.zoomIn.ariaLabel': t('tree.zoomIn'),
      'controls.zoomOut.ariaLabel': t('tree.zoomOut'),
      'controls.fitView.ariaLabel': t('tree.fitView'),
      'node.a11yDescription.default': t('tree.nodeDescription'),
      'node.a11yDescription.keyboardDisabled': t('tree.nodeDescription'),
      'edge.a11yDescription.default': t('tree.edgeDescription'),
      'handle.ariaLabel': t('tree.handle'),
    }),
    [t],
  );

  const openPlan = usePlans((state) => state.open);
  const connections = useInventory((state) => state.connections);
  // The Delete key on a selected snapshot shows its delete plan (nothing runs before Run).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== 'Delete' || selection?.kind !== 'snapshot' || event.target instanceof HTMLInputElement) return;
    const snapshot = domain.snapshots.find((candidate) => candidate.name === selection.name);
    const target = snapshot && snapshotTarget(connections, domain, snapshot);
    if (target) void openPlan(deleteIntent(target));
  };

  const onNodeClick: NodeMouseHandler<TreeNode> = (_event, node) => {
    select(node.type === 'snapshot' ? { kind: 'snapshot', uuid: domain.uuid, name: node.data.snapshot.name } : { kind: 'domain', uuid: domain.uuid });
  };

  return (
    <InGraph>
      <ReactFlow<TreeNode>
        key={domain.uuid}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onKeyDown={onKeyDown}
        // Deleting is a plan of its own (above), never React Flow's removal of a node.
        deleteKeyCode={null}
        nodesConnectable={false}
        // The wheel scrolls a long tree, as in a list; pinch or ctrl+wheel zooms.
        panOnScroll
        minZoom={0.1}
        ariaLabelConfig={ariaLabelConfig}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </InGraph>
  );
}
