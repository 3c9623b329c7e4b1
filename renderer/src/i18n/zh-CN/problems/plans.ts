import type { planProblems as english } from '../../../../../shared/messages/plan-problems';
import type { Messages } from '../../messages';

export const planProblems: Messages<typeof english> = {
  title: {
    snapshot: '为 {{domain}} 创建快照 {{name}}',
  },
};
