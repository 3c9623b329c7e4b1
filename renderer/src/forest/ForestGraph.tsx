import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Edge, type NodeMouseHandler } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { baseName } from '../../../shared/format';
import type { Image } from '../../../shared/images/model';
import { layoutForest, missingId, NODE_HEIGHT, NODE_WIDTH } from '../../../shared/images/layout';
import { useSelection } from '../shell/selection';
import { ImageNode, MissingNode, type ImageFlowNode, type MissingFlowNode } from './ImageNode';
import { useForest } from './store';

const nodeTypes = { image: ImageNode, missing: MissingNode };
type ForestNode = ImageFlowNode | MissingFlowNode;

function matches(image: Image, search: string): boolean {
  return search === '' || baseName(image.path).toLowerCase().includes(search.toLowerCase());
}

/** The disk forest: base images on the left, their overlays to the right. */
export function ForestGraph({ images }: { images: readonly Image[] }) {
  const search = useForest((state) => state.search);
  const selection = useSelection((state) => state.selection);
  const select = useSelection((state) => state.select);
  const flow = useReactFlow();

  const layout = useMemo(() => layoutForest(images), [images]);
  const byPath = useMemo(() => new Map(images.map((image) => [image.path, image])), [images]);

  const nodes = useMemo<ForestNode[]>(() => {
    const selectedId = selection?.kind === 'image' ? selection.path : selection?.kind === 'missing' ? missingId(selection.path) : null;
    return layout.placed.map((place): ForestNode => {
      const image = byPath.get(place.id);
      // Fixed sizes: React Flow can fit, cull and draw the minimap without measuring 5,000 nodes first.
      const common = { id: place.id, position: { x: place.x, y: place.y }, width: NODE_WIDTH, height: NODE_HEIGHT, selected: place.id === selectedId, draggable: false };
      return image
        ? { ...common, type: 'image', data: { image, dimmed: !matches(image, search) } }
        : { ...common, type: 'missing', data: { path: place.id.slice('missing:'.length) } };
    });
  }, [layout, byPath, search, selection]);

  const edges = useMemo<Edge[]>(
    () =>
      layout.links.map((link) => ({
        id: `${link.from}→${link.to}`,
        source: link.from,
        target: link.to,
        className: link.from.startsWith('missing:') ? 'edge-dangling' : undefined,
        animated: link.from.startsWith('missing:'),
      })),
    [layout],
  );

  // Searching zooms to what matches.
  useEffect(() => {
    if (search === '') return;
    const hits = images.filter((image) => matches(image, search)).map((image) => ({ id: image.path }));
    if (hits.length > 0) void flow.fitView({ nodes: hits, duration: 300, maxZoom: 1.2 });
  }, [search, images, flow]);

  const onNodeClick: NodeMouseHandler<ForestNode> = (_event, node) => {
    select(node.type === 'image' ? { kind: 'image', path: node.id } : { kind: 'missing', path: node.data.path as string });
  };

  return (
    <ReactFlow<ForestNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodeClick={onNodeClick}
      onPaneClick={() => select(null)}
      nodesConnectable={false}
      fitView
      fitViewOptions={{ maxZoom: 1 }}
      minZoom={0.05}
      onlyRenderVisibleElements={images.length > 500}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} />
      <MiniMap pannable zoomable nodeColor={(node) => (node.type === 'missing' ? '#f06a55' : '#9db4e0')} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
