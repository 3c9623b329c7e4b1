import { Panel, useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NODE_HEIGHT, NODE_WIDTH, type Placed } from '../../../shared/images/layout';

const WIDTH = 200;
const HEIGHT = 150;
const PADDING = 6;

/**
 * An overview of the whole forest on one canvas, with the visible part outlined; click
 * or drag in it to move there. React Flow's own minimap draws one SVG element per node,
 * which cost half a second at 5,000 images; a canvas draws them in milliseconds.
 */
export function ForestMinimap({ placed, broken }: { placed: readonly Placed[]; broken: ReadonlySet<string> }) {
  const { t } = useTranslation('forest');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore((state) => state.transform);
  const paneWidth = useStore((state) => state.width);
  const paneHeight = useStore((state) => state.height);
  const flow = useReactFlow();

  // Flow coordinates → minimap pixels.
  const frame = useMemo(() => {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const place of placed) {
      minX = Math.min(minX, place.x);
      minY = Math.min(minY, place.y);
      maxX = Math.max(maxX, place.x + NODE_WIDTH);
      maxY = Math.max(maxY, place.y + NODE_HEIGHT);
    }
    const scale = Math.min((WIDTH - 2 * PADDING) / (maxX - minX || 1), (HEIGHT - 2 * PADDING) / (maxY - minY || 1));
    // Centred, so that a wide, flat forest does not hug the top edge.
    const left = (WIDTH - (maxX - minX) * scale) / 2;
    const top = (HEIGHT - (maxY - minY) * scale) / 2;
    return { minX, minY, scale, left, top };
  }, [placed]);

  // The nodes are drawn once per forest; panning only redraws the outline.
  const nodeLayer = useMemo(() => {
    const layer = document.createElement('canvas');
    layer.width = WIDTH;
    layer.height = HEIGHT;
    const context = layer.getContext('2d');
    if (!context) return layer;
    const { minX, minY, scale, left, top } = frame;
    for (const place of placed) {
      context.fillStyle = broken.has(place.id) ? '#e0533d' : '#9db4e0';
      context.fillRect(
        left + (place.x - minX) * scale,
        top + (place.y - minY) * scale,
        Math.max(1, NODE_WIDTH * scale),
        Math.max(1, NODE_HEIGHT * scale),
      );
    }
    return layer;
  }, [placed, broken, frame]);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const { minX, minY, scale, left, top } = frame;
    context.clearRect(0, 0, WIDTH, HEIGHT);
    context.drawImage(nodeLayer, 0, 0);
    context.strokeStyle = '#2f6fde';
    context.lineWidth = 2;
    // The visible part, clamped to the overview when it shows more than the forest.
    const x0 = Math.max(1, left + (-tx / zoom - minX) * scale);
    const y0 = Math.max(1, top + (-ty / zoom - minY) * scale);
    const x1 = Math.min(WIDTH - 1, left + ((paneWidth - tx) / zoom - minX) * scale);
    const y1 = Math.min(HEIGHT - 1, top + ((paneHeight - ty) / zoom - minY) * scale);
    if (x1 > x0 && y1 > y0) context.strokeRect(x0, y0, x1 - x0, y1 - y0);
  }, [nodeLayer, frame, tx, ty, zoom, paneWidth, paneHeight]);

  const moveTo = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (event.buttons !== 1 && event.type !== 'pointerdown') return;
    const box = event.currentTarget.getBoundingClientRect();
    const { minX, minY, scale, left, top } = frame;
    const x = (event.clientX - box.left - left) / scale + minX;
    const y = (event.clientY - box.top - top) / scale + minY;
    void flow.setViewport({ x: paneWidth / 2 - x * zoom, y: paneHeight / 2 - y * zoom, zoom });
  };

  return (
    <Panel position="bottom-right" className="forest-minimap">
      <canvas ref={canvas} width={WIDTH} height={HEIGHT} aria-label={t('graph.overview')} onPointerDown={moveTo} onPointerMove={moveTo} />
    </Panel>
  );
}
