import type { jobProblems as english } from '../../../../../shared/messages/job-problems';
import type { Messages } from '../../messages';

export const jobProblems: Messages<typeof english> = {
  waiting: '等待任务 {{job}}，它正占用 {{what}}',
};
