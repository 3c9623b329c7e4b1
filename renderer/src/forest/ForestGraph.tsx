import { InGraph } from '../i18n/Term';
import { Background, Controls, ReactFlow, useReactFlow, useStore, type Edge, type NodeMouseHandler, type OnNodeDrag, type XYPosition } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { baseName } from '../../../shared/format';
import type { Image } from '../../../shared/images/model';
import { BLOCKING } from '../../../shared/images/problems';
import { layoutForest, missingId, NODE_HEIGHT, NODE_WIDTH } from '../../../shared/images/layout';
import { fitsWhole, fixedGeometry } from '../graph/geometry';
import { findDomain, useInventory } from '../libvirt/store';
import { usePlans } from '../plans/store';
import { useSelection } from '../shell/selection';
import { useDrag } from './drag';
import { ForestMinimap } from './ForestMinimap';
import { ImageNode, MissingNode, type ImageFlowNode, type MissingFlowNode } from './ImageNode';
import { useForest } from './store';

const nodeTypes = { image: ImageNode, missing: MissingNode };
/** Above this many images only the nodes on screen are drawn. */
const LARGE_FOREST = 300;
/** Below this zoom an image's name can no longer be read. */
const READABLE_ZOOM = 0.5;
/** The zoom a forest too big to read whole opens at, on its top-left corner. */
const OPENING_ZOOM = 0.7;

const FIXED_GEOMETRY = fixedGeometry(NODE_WIDTH, NODE_HEIGHT);
type ForestNode = ImageFlowNode | MissingFlowNode;

function matches(image: Image, search: string): boolean {
  return search === '' || baseName(image.path).toLowerCase().includes(search.toLowerCase());
}

/** The disk forest: base images on the left, their overlays to the right. */
export function ForestGraph({ images }: { images: readonly Image[] }) {
  const { t } = useTranslation('forest');
  const search = useForest((state) => state.search);
  const selection = useSelection((state) => state.selection);
  const select = useSelection((state) => state.select);
  const flow = useReactFlow();

  const layout = useMemo(() => layoutForest(images), [images]);
  const byPath = useMemo(() => new Map(images.map((image) => [image.path, image])), [images]);
  const broken = useMemo(
    () => new Set([...images.filter((image) => image.problems.some((problem) => BLOCKING.has(problem.code))).map((image) => image.path), ...layout.placed.filter((place) => !byPath.has(place.id)).map((place) => place.id)]),
    [images, layout, byPath],
  );

  const domain = useSelection((state) => state.domain);
  const connections = useInventory((state) => state.connections);
  // What belongs to the selection: a snapshot's state files, else the selected domain's chains.
  const highlighted = useMemo(() => {
    const state = new Set<string>();
    if (selection?.kind === 'snapshot') {
      const snapshot = findDomain(connections, selection.uuid)?.snapshots.find((candidate) => candidate.name === selection.name);
      for (const path of snapshot?.stateFiles ?? []) state.add(path);
    }
    const chain = new Set(domain === null ? [] : images.filter((image) => image.usedBy.some((use) => use.uuid === domain)).map((image) => image.path));
    return { state, chain };
  }, [selection, connections, domain, images]);

  const dragged = useDrag((state) => state.dragged);
  const openPlan = usePlans((state) => state.open);
  /** Where the dragged node is drawn while the pointer moves it; it springs back on the drop. */
  const [dragAt, setDragAt] = useState<{ id: string; position: XYPosition } | null>(null);

  const nodes = useMemo<ForestNode[]>(() => {
    const selectedId = selection?.kind === 'image' ? selection.path : selection?.kind === 'missing' ? missingId(selection.path) : null;
    return layout.placed.map((place): ForestNode => {
      const image = byPath.get(place.id);
      const common = { id: place.id, position: { x: place.x, y: place.y }, ...FIXED_GEOMETRY, selected: place.id === selectedId, draggable: image !== undefined };
      return image
        ? {
            ...common,
            type: 'image',
            data: { image, dimmed: !matches(image, search), highlight: highlighted.state.has(image.path) ? 'state' : highlighted.chain.has(image.path) ? 'chain' : null },
          }
        : { ...common, type: 'missing', data: { path: place.id.slice('missing:'.length) } };
    });
  }, [layout, byPath, search, selection, highlighted]);
  // While it moves, only the dragged node is a new object: the other thousands keep theirs
  // (each image draws its own drop mark, drag.ts). It is drawn above the others, so that the
  // target under it stays readable.
  const drawn = useMemo(() => (dragAt === null ? nodes : nodes.map((node) => (node.id === dragAt.id ? { ...node, position: dragAt.position, zIndex: 1000 } : node))), [nodes, dragAt]);

  // Drag an image onto another of its chain: below it, a commit; above it, a pull. The drop
  // opens the plan; nothing runs before Run.
  const onNodeDragStart: OnNodeDrag<ForestNode> = (_event, node) => useDrag.getState().start(node.id);
  const onNodeDrag: OnNodeDrag<ForestNode> = (event, node) => {
    setDragAt({ id: node.id, position: node.position });
    // The image under the pointer, not any the dragged node's edge touches: between two
    // neighbours the drop goes where the user points.
    const at = 'touches' in event ? event.touches[0] : event;
    if (!at) return;
    const pointer = flow.screenToFlowPosition({ x: at.clientX, y: at.clientY });
    const under = flow.getIntersectingNodes({ ...pointer, width: 1, height: 1 }).find((candidate) => candidate.type === 'image' && candidate.id !== node.id);
    useDrag.getState().hover(under?.id ?? null);
  };
  const onNodeDragStop: OnNodeDrag<ForestNode> = () => {
    setDragAt(null);
    const target = useDrag.getState().end();
    if (target) void openPlan(target.intent);
  };

  const edges = useMemo<Edge[]>(
    () =>
      layout.links.map((link) => ({
        id: `${link.from}→${link.to}`,
        source: link.from,
        target: link.to,
        className: link.from.startsWith('missing:') ? 'edge-dangling' : undefined,
        animated: link.from.startsWith('missing:'),
        // React Flow's own label is "Edge from A to B", in English whatever the language.
        ariaLabel: t('graph.edge', { overlay: baseName(link.to), backing: baseName(link.from.replace(/^missing:/, '')) }),
      })),
    [layout, t],
  );

  // Searching zooms to what matches.
  useEffect(() => {
    if (search === '') return;
    const hits = images.filter((image) => matches(image, search)).map((image) => ({ id: image.path }));
    if (hits.length > 0) void flow.fitView({ nodes: hits, duration: 300, maxZoom: 1.2 });
  }, [search, images, flow]);

  // The whole forest when it can be read at once; else its top-left corner (the first
  // bases and their overlays) at a readable size, not a line of dots: a long chain or
  // thousands of images are a pan away, and the overview and search reach them. Only the
  // first view: later changes must not move the user's viewport.
  const paneWidth = useStore((state) => state.width);
  const paneHeight = useStore((state) => state.height);
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || paneWidth === 0 || paneHeight === 0 || layout.placed.length === 0) return;
    opened.current = true;
    const corner = layout.placed.filter((place) => place.x + NODE_WIDTH <= paneWidth / OPENING_ZOOM && place.y + NODE_HEIGHT <= paneHeight / OPENING_ZOOM);
    const whole = fitsWhole(layout.placed, FIXED_GEOMETRY, { width: paneWidth, height: paneHeight }, READABLE_ZOOM) || corner.length === 0;
    void flow.fitView({ maxZoom: 1, nodes: whole ? undefined : corner.map((place) => ({ id: place.id })) });
  }, [layout, paneWidth, paneHeight, flow]);

  // React Flow's own labels and screen-reader descriptions, in the window's language.
  const ariaLabelConfig = useMemo(
    () => ({
      'controls.ariaLabel': t('graph.controls'),
      'controls.zoomIn.ariaLabel': t('graph.zoomIn'),
      'controls.zoomOut.ariaLabel': t('graph.zoomOut'),
      'controls.fitView.ariaLabel': t('graph.fitView'),
      'node.a11yDescription.default': t('graph.nodeDescription'),
      'node.a11yDescription.keyboardDisabled': t('graph.nodeDescription'),
      'edge.a11yDescription.default': t('graph.edgeDescription'),
      'handle.ariaLabel': t('graph.handle'),
    }),
    [t],
  );

  const onNodeClick: NodeMouseHandler<ForestNode> = (_event, node) => {
    select(node.type === 'image' ? { kind: 'image', path: node.id } : { kind: 'missing', path: node.data.path as string });
  };

  return (
    <InGraph>
      <ReactFlow<ForestNode>
        nodes={drawn}
        onNodeDragStart={onNodeDragStart}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        className={dragged === null ? undefined : 'dragging-image'}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onPaneClick={() => select(null)}
        nodesConnectable={false}
        minZoom={0.05}
        onlyRenderVisibleElements={images.length > LARGE_FOREST}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background gap={24} />
        <ForestMinimap placed={layout.placed} broken={broken} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </InGraph>
  );
}
