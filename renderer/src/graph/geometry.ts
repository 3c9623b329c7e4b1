import { Position } from '@xyflow/react';

const HANDLE = 6;

/**
 * The size and handles of a node whose size never changes (edges leave it to the right,
 * or downwards), told to React Flow instead
 * of measured: otherwise it mounts every node once to measure it, even those that
 * onlyRenderVisibleElements would cull (5,000 images took 4 s instead of a fraction).
 */
export function fixedGeometry(width: number, height: number, flow: 'right' | 'down' = 'right') {
  const handles =
    flow === 'right'
      ? [
          { type: 'target' as const, position: Position.Left, x: -HANDLE / 2, y: height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
          { type: 'source' as const, position: Position.Right, x: width - HANDLE / 2, y: height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
        ]
      : [
          { type: 'target' as const, position: Position.Top, x: width / 2 - HANDLE / 2, y: -HANDLE / 2, width: HANDLE, height: HANDLE },
          { type: 'source' as const, position: Position.Bottom, x: width / 2 - HANDLE / 2, y: height - HANDLE / 2, width: HANDLE, height: HANDLE },
        ];
  return { width, height, measured: { width, height }, handles };
}

/**
 * Whether a laid-out graph (positions from 0, nodes of one size) fits a pane of this
 * size at `zoom` or larger: whether it can be shown whole and still be read.
 */
export function fitsWhole(placed: ReadonlyArray<{ x: number; y: number }>, node: { width: number; height: number }, pane: { width: number; height: number }, zoom: number): boolean {
  let right = 0;
  let bottom = 0;
  for (const place of placed) {
    right = Math.max(right, place.x + node.width);
    bottom = Math.max(bottom, place.y + node.height);
  }
  return Math.min(pane.width / right, pane.height / bottom) >= zoom;
}
