import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { snapshotDiskKinds } from '../../../shared/libvirt/describe';
import type { Domain, Snapshot } from '../../../shared/libvirt/model';
import { sentenceOf } from '../i18n/sentence';
import { domainStateLabel, MemoryKind, SnapshotKinds, stateLabel } from './describe';
import { useScreenshot } from './screenshots';
import { usePlans } from '../plans/store';
import { deleteIntent, revertIntent, snapshotTarget } from './SnapshotActions';
import { useSnapshotDialog } from './SnapshotDialog';
import { useInventory } from './store';

export type SnapshotNodeData = { snapshot: Snapshot; domain: Domain };
export type SnapshotFlowNode = Node<SnapshotNodeData, 'snapshot'>;

export const SnapshotNode = memo(function SnapshotNode({ data, selected }: NodeProps<SnapshotFlowNode>) {
  const { t } = useTranslation('libvirt');
  const { snapshot } = data;
  const screenshot = useScreenshot(data.domain, snapshot.name);
  const openPlan = usePlans((state) => state.open);
  const target = snapshotTarget(useInventory((state) => state.connections), data.domain, snapshot);
  const stale = snapshot.problems.length > 0;
  const classes = ['snapshot-node', selected && 'selected', snapshot.current && 'current', stale && 'broken'];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-testid="snapshot-node" data-snapshot={snapshot.name} title={snapshot.description ?? undefined}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="image-node-head">
        <span className="image-name">{snapshot.name}</span>
        {snapshot.current && <span className="current-badge">{t('node.current')}</span>}
        {screenshot && <img className="snapshot-thumb" src={screenshot} alt={t('node.screenshot', { name: snapshot.name })} />}
      </div>
      <div className="image-sizes">{t('node.takenState', { date: new Date(snapshot.createdAt), state: stateLabel(t, snapshot.state) })}</div>
      <div className="image-badges">
        <span className={`badge kind-${snapshotDiskKinds(snapshot)[0] ?? 'none'}`}>
          <SnapshotKinds snapshot={snapshot} />
        </span>
        <span className="badge memory">
          <MemoryKind snapshot={snapshot} />
        </span>
        {snapshot.otherBranch && (
          <span className="badge other-branch" data-branch="other" title={t('node.otherBranchExplain')}>
            {t('node.otherBranch')}
          </span>
        )}
        {snapshot.problems.map((problem) => (
          <span key={problem.code + problem.message} className="badge problem blocking" data-problem={problem.code} title={sentenceOf(t, problem)}>
            {t(`problem.${problem.code}.badge`)}
          </span>
        ))}
      </div>
      {/* The two gestures a snapshot is clicked for, on the node itself; options are in the inspector. */}
      {selected && target && (
        <div className="node-actions">
          <button type="button" className="node-action nodrag" onClick={() => void openPlan(revertIntent(target))}>
            {t('plans:snapshotActions.revertHere')}
          </button>
          <button type="button" className="node-action nodrag" onClick={() => void openPlan(deleteIntent(target))}>
            {t('plans:snapshotActions.deleteHere')}
          </button>
        </div>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

export type NowNodeData = { domain: Domain };
export type NowFlowNode = Node<NowNodeData, 'now'>;

/** The domain as it is now, hanging from the snapshot it was last reverted to or took. */
export const NowNode = memo(function NowNode({ data, selected }: NodeProps<NowFlowNode>) {
  const { t } = useTranslation('libvirt');
  const openSnapshot = useSnapshotDialog((state) => state.open);
  return (
    <div className={`snapshot-node now ${selected ? 'selected' : ''}`} data-testid="now-node">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="image-node-head">
        <span className="image-name">{t('node.now')}</span>
        <button type="button" className="node-action nodrag" onClick={() => openSnapshot(data.domain.uuid)}>
          {t('plans:snapshot.open')}
        </button>
      </div>
      <div className="image-sizes">{domainStateLabel(t, data.domain)}</div>
      <div className="image-sizes">{t('node.nowExplain')}</div>
    </div>
  );
});
