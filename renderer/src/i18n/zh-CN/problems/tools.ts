import type { toolsProblems as english } from '../../../../../shared/messages/tools-problems';
import type { Messages } from '../../messages';

export const toolsProblems: Messages<typeof english> = {
  notInstalled: '未安装 {{name}}：请安装软件包 {{package}}',
  unexpectedVersion: '`{{name}} --version` 的输出无法识别：{{output}}',
  virshNeeded: '需要 virsh 才能询问 libvirt 守护进程：请安装软件包 {{package}}',
  noAnswer: '`virsh -c {{uri}}` 没有响应',
};
