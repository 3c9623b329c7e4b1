import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { baseName, formatBytes } from '../../../shared/format';
import { hasProtocol } from '../../../shared/images/backing';
import type { Image } from '../../../shared/images/model';
import { displayPath } from '../../../shared/images/path-bytes';
import { BLOCKING, PROBLEM_TITLES } from '../../../shared/images/problems';

/** `state`: holds the selected snapshot's state; `chain`: in a disk chain of the selected domain. */
export type ImageNodeData = { image: Image; dimmed: boolean; highlight: 'state' | 'chain' | null };
export type ImageFlowNode = Node<ImageNodeData, 'image'>;

/** One image in the forest: name, format, sizes, internal snapshots, problems. */
export const ImageNode = memo(function ImageNode({ data, selected }: NodeProps<ImageFlowNode>) {
  const { image, dimmed, highlight } = data;
  const blocking = image.problems.some((problem) => BLOCKING.has(problem.code));
  const classes = ['image-node', `format-${image.format}`, selected && 'selected', dimmed && 'dimmed', blocking && 'broken', highlight && `highlight-${highlight}`];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-testid="image-node" data-path={image.path} title={displayPath(image.path)}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="image-node-head">
        <span className="image-name">{displayPath(baseName(image.path))}</span>
        <span className="format-badge">{image.format}</span>
      </div>
      <div className="image-sizes">
        {formatBytes(image.virtualSize)} virtual · {formatBytes(image.actualSize)} on disk
      </div>
      <div className="image-badges">
        {image.usedBy.map((use) => (
          <span key={use.uuid + use.target} className={`badge domain-use ${use.active ? 'active' : ''}`} data-used-by={use.domain}>
            {use.domain} · {use.target}
            {use.active && ' · active layer'}
          </span>
        ))}
        {image.snapshots.length > 0 && (
          <span className="badge snapshots">
            {image.snapshots.length} internal snapshot{image.snapshots.length > 1 ? 's' : ''}
          </span>
        )}
        {/* One badge a code: a file can be truncated in its header and in its snapshot table. */}
        {[...new Set(image.problems.map((problem) => problem.code))].map((code) => (
          <span key={code} className={`badge problem ${BLOCKING.has(code) ? 'blocking' : 'warning'}`} data-problem={code}>
            {PROBLEM_TITLES[code]}
          </span>
        ))}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export type MissingNodeData = { path: string };
export type MissingFlowNode = Node<MissingNodeData, 'missing'>;

/** A backing file that an overlay names but that is not on disk, or a QEMU protocol string (`nbd:…`) not followed. */
export const MissingNode = memo(function MissingNode({ data, selected }: NodeProps<MissingFlowNode>) {
  const protocol = hasProtocol(data.path);
  return (
    <div className={`image-node missing ${protocol ? 'protocol' : ''} ${selected ? 'selected' : ''}`} data-testid="missing-node" title={displayPath(data.path)}>
      <div className="image-node-head">
        <span className="image-name">{displayPath(protocol ? data.path : baseName(data.path))}</span>
        <span className="format-badge">{protocol ? 'protocol' : 'missing'}</span>
      </div>
      <div className="image-sizes">{protocol ? 'a QEMU protocol string: not followed' : 'no image file there: its overlays cannot be opened'}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
