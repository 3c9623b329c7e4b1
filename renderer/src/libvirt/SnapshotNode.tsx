import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { memoryKind, snapshotKind, snapshotStateLabel } from '../../../shared/libvirt/describe';
import type { Domain, Snapshot } from '../../../shared/libvirt/model';

export type SnapshotNodeData = { snapshot: Snapshot };
export type SnapshotFlowNode = Node<SnapshotNodeData, 'snapshot'>;

export const SnapshotNode = memo(function SnapshotNode({ data, selected }: NodeProps<SnapshotFlowNode>) {
  const { snapshot } = data;
  const stale = snapshot.problems.length > 0;
  const classes = ['snapshot-node', selected && 'selected', snapshot.current && 'current', stale && 'broken'];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-testid="snapshot-node" data-snapshot={snapshot.name} title={snapshot.description ?? undefined}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="image-node-head">
        <span className="image-name">{snapshot.name}</span>
        {snapshot.current && <span className="current-badge">current</span>}
      </div>
      <div className="image-sizes">
        {/* Short, so that time and state fit one line; the inspector has the seconds. */}
        {new Date(snapshot.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })} · {snapshotStateLabel(snapshot)}
      </div>
      <div className="image-badges">
        <span className={`badge kind-${snapshotKind(snapshot).split(' ')[0]}`}>{snapshotKind(snapshot)}</span>
        <span className="badge memory">{memoryKind(snapshot)}</span>
        {snapshot.problems.map((problem) => (
          <span key={problem.code + problem.message} className="badge problem blocking" data-problem={problem.code}>
            {problem.code === 'stale-snapshot' ? 'stale' : 'file missing'}
          </span>
        ))}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

export type NowNodeData = { domain: Domain };
export type NowFlowNode = Node<NowNodeData, 'now'>;

/** The domain as it is now, hanging from the snapshot it was last reverted to or took. */
export const NowNode = memo(function NowNode({ data, selected }: NodeProps<NowFlowNode>) {
  return (
    <div className={`snapshot-node now ${selected ? 'selected' : ''}`} data-testid="now-node">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="image-node-head">
        <span className="image-name">NOW</span>
      </div>
      <div className="image-sizes">
        {data.domain.state}
        {data.domain.stateReason ? ` (${data.domain.stateReason})` : ''}
      </div>
      <div className="image-sizes">the present state, changed since the current snapshot</div>
    </div>
  );
});
