import { useTranslation } from 'react-i18next';
import type { TreeChange, TreeNode } from '../../../shared/plans/plan';

/** One tree as nested lists, roots first, NOW under the current snapshot (or at the top when none is current). */
function Branches({ nodes, parent }: { nodes: readonly TreeNode[]; parent: string | null }) {
  const { t } = useTranslation('plans');
  const children = nodes.filter((node) => node.parent === parent);
  const now = parent === null ? !nodes.some((node) => node.current) : nodes.some((node) => node.name === parent && node.current);
  if (children.length === 0 && !now) return null;
  return (
    <ul>
      {children.map((node) => (
        <li key={node.name}>
          <span className={node.current ? 'tree-current' : undefined}>{node.name}</span>
          <Branches nodes={nodes} parent={node.name} />
        </li>
      ))}
      {now && (
        <li>
          <b>{t('dialog.now')}</b>
        </li>
      )}
    </ul>
  );
}

/** A domain's snapshot tree before the plan runs and after, side by side. */
export function PlanTree({ tree }: { tree: TreeChange }) {
  const { t } = useTranslation('plans');
  return (
    <>
      <h4>{t('dialog.tree', { domain: tree.domain })}</h4>
      <div className="plan-tree">
        <div data-testid="plan-tree-before">
          <div className="tree-label">{t('dialog.treeBefore')}</div>
          <Branches nodes={tree.before} parent={null} />
        </div>
        <div data-testid="plan-tree-after">
          <div className="tree-label">{t('dialog.treeAfter')}</div>
          <Branches nodes={tree.after} parent={null} />
        </div>
      </div>
    </>
  );
}
