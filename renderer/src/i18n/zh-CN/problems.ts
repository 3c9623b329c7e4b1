import type { problems as english } from '../../../../shared/messages/problems';
import type { Messages } from '../messages';
import { defineProblems } from './problems/define';
import { imageProblems } from './problems/image';
import { jobProblems } from './problems/jobs';
import { libvirtProblems } from './problems/libvirt';
import { planProblems } from './problems/plans';
import { requestProblems } from './problems/request';
import { settingsProblems } from './problems/settings';
import { toolsProblems } from './problems/tools';

export const problems: Messages<typeof english> = { image: imageProblems, libvirt: libvirtProblems, settings: settingsProblems, tools: toolsProblems, request: requestProblems, plans: planProblems, jobs: jobProblems, define: defineProblems };
