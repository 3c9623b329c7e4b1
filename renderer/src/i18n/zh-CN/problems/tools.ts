import type { toolsProblems as english } from '../../../../../shared/messages/tools-problems';
import type { Messages } from '../../messages';

export const toolsProblems: Messages<typeof english> = {
  notInstalled: '未安装 {{name}}：请安装软件包 {{package}}',
  unexpectedVersion: '`{{name}} --version` 的输出无法识别：{{output}}',
  virshNeeded: '需要 virsh 才能询问 libvirt 守护进程：请安装软件包 {{package}}',
  noAnswer: '`virsh -c {{uri}}` 没有响应',
  command: {
    cancelled: '{{program}} 已被取消',
    timeout: '{{program}} 在 {{seconds}} 秒内没有完成，已被停止',
    notFound: '未安装 {{program}}，或它不在搜索路径中',
    spawn: '无法启动 {{program}}：{{detail}}',
    exitCode: '{{program}} 运行失败（退出码 {{exitCode}}）：{{detail}}',
    nameNotUtf8: '没有启动 {{program}}：参数 {{argument}} 中含有不是 UTF-8 的字节（显示为 `\\xNN`），而进程参数只能以 UTF-8 文本传递，{{program}} 会收到另一个文件名。',
  },
};
