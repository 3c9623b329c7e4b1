import { Background, Controls, ReactFlow, useReactFlow, type Edge, type NodeMouseHandler } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import type { Domain } from '../../../shared/libvirt/model';
import { layoutSnapshots, NOW_ID, SNAPSHOT_HEIGHT, SNAPSHOT_WIDTH, snapshotId } from '../../../shared/libvirt/snapshot-layout';
import { fixedGeometry } from '../graph/geometry';
import { useSelection } from '../shell/selection';
import { NowNode, SnapshotNode, type NowFlowNode, type SnapshotFlowNode } from './SnapshotNode';

const nodeTypes = { snapshot: SnapshotNode, now: NowNode };
type TreeNode = SnapshotFlowNode | NowFlowNode;

const GEOMETRY = fixedGeometry(SNAPSHOT_WIDTH, SNAPSHOT_HEIGHT);

/** One domain's snapshot tree: roots on the left, the current snapshot marked, NOW hanging from it. */
export function SnapshotTree({ domain }: { domain: Domain }) {
  const { selection, select } = useSelection();
  const flow = useReactFlow();
  const layout = useMemo(() => layoutSnapshots(domain.snapshots), [domain.snapshots]);
  const shape = layout.placed.map((place) => place.id).join('\n');

  // A snapshot made meanwhile must not land off screen: the whole tree is shown again
  // whenever its set of snapshots changes (not when only states or the current one do).
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ maxZoom: 1 }));
    return () => cancelAnimationFrame(frame);
  }, [shape, flow]);
  const byId = useMemo(() => new Map(domain.snapshots.map((snapshot) => [snapshotId(snapshot.name), snapshot])), [domain.snapshots]);

  const nodes = useMemo<TreeNode[]>(() => {
    const selectedId = selection?.kind === 'snapshot' ? snapshotId(selection.name) : selection?.kind === 'domain' ? NOW_ID : null;
    return layout.placed.map((place): TreeNode => {
      const common = { id: place.id, position: { x: place.x, y: place.y }, ...GEOMETRY, selected: place.id === selectedId, draggable: false };
      const snapshot = byId.get(place.id);
      return snapshot ? { ...common, type: 'snapshot', data: { snapshot } } : { ...common, type: 'now', data: { domain } };
    });
  }, [layout, byId, selection, domain]);

  const edges = useMemo<Edge[]>(
    () => layout.links.map((link) => ({ id: `${link.from}→${link.to}`, source: link.from, target: link.to, className: link.to === NOW_ID ? 'edge-now' : undefined })),
    [layout],
  );

  const onNodeClick: NodeMouseHandler<TreeNode> = (_event, node) => {
    select(node.type === 'snapshot' ? { kind: 'snapshot', uuid: domain.uuid, name: node.data.snapshot.name } : { kind: 'domain', uuid: domain.uuid });
  };

  return (
    <ReactFlow<TreeNode>
      key={domain.uuid}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodeClick={onNodeClick}
      nodesConnectable={false}
      fitView
      fitViewOptions={{ maxZoom: 1 }}
      minZoom={0.1}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
