import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { baseName, formatBytes } from '../../../shared/format';
import { hasProtocol } from '../../../shared/images/backing';
import type { Image } from '../../../shared/images/model';
import { displayPath } from '../../../shared/images/path-bytes';
import { BLOCKING } from '../../../shared/images/problems';
import { dropReason, useDropMark } from './drag';
import { FOREST_TERMS } from './terms';

/** `state`: holds the selected snapshot's state; `chain`: in a disk chain of the selected domain. */
export type ImageNodeData = { image: Image; dimmed: boolean; highlight: 'state' | 'chain' | null };
export type ImageFlowNode = Node<ImageNodeData, 'image'>;

/** One image in the forest: name, format, sizes, internal snapshots, problems. */
export const ImageNode = memo(function ImageNode({ data, selected }: NodeProps<ImageFlowNode>) {
  const { t } = useTranslation('forest');
  const { t: tPlans } = useTranslation('plans');
  const { image, dimmed, highlight } = data;
  const drop = useDropMark(image.path);
  const reason = drop === null ? null : drop.target === undefined ? t('drag.outside') : dropReason(tPlans, drop.target);
  const blocking = image.problems.some((problem) => BLOCKING.has(problem.code));
  const classes = ['image-node', `format-${image.format}`, selected && 'selected', dimmed && 'dimmed', blocking && 'broken', highlight && `highlight-${highlight}`, drop && `drop-${drop.state}`, drop?.over && 'drop-over'];
  return (
    <div className={classes.filter(Boolean).join(' ')} data-testid="image-node" data-path={image.path} data-drop={drop?.state} title={reason ?? displayPath(image.path)}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="image-node-head">
        <span className="image-name">{displayPath(baseName(image.path))}</span>
        <span className="format-badge">{image.format}</span>
      </div>
      <div className="image-sizes">
        {t('node.sizes', { virtual: formatBytes(image.virtualSize), onDisk: formatBytes(image.actualSize) })}
      </div>
      <div className="image-badges">
        {image.usedBy.map((use) => (
          <span key={use.uuid + use.target} className={`badge domain-use ${use.active ? 'active' : ''}`} data-used-by={use.domain}>
            {use.domain} · {use.target}
            {use.active && (
              <>
                {' · '}
                <Trans t={t} i18nKey="node.activeLayer" components={FOREST_TERMS} />
              </>
            )}
          </span>
        ))}
        {image.snapshots.length > 0 && (
          <span className="badge snapshots">
            <Trans t={t} i18nKey="node.internalSnapshots" count={image.snapshots.length} components={FOREST_TERMS} />
          </span>
        )}
        {/* One badge a code: a file can be truncated in its header and in its snapshot table. */}
        {[...new Set(image.problems.map((problem) => problem.code))].map((code) => (
          <span key={code} className={`badge problem ${BLOCKING.has(code) ? 'blocking' : 'warning'}`} data-problem={code}>
            {t(`problemTitles.${code}`)}
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
  const { t } = useTranslation('forest');
  const protocol = hasProtocol(data.path);
  return (
    <div className={`image-node missing ${protocol ? 'protocol' : ''} ${selected ? 'selected' : ''}`} data-testid="missing-node" title={displayPath(data.path)}>
      <div className="image-node-head">
        <span className="image-name">{displayPath(protocol ? data.path : baseName(data.path))}</span>
        <span className="format-badge">{t(protocol ? 'node.protocol' : 'node.missing')}</span>
      </div>
      <div className="image-sizes">
        <Trans t={t} i18nKey={protocol ? 'node.protocolNote' : 'node.missingNote'} components={FOREST_TERMS} />
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
