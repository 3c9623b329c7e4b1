import type { requestProblems as english } from '../../../../../shared/messages/request-problems';
import type { Messages } from '../../messages';

export const requestProblems: Messages<typeof english> = {
  unknown: '没有名为 {{name}} 的请求',
  invalid: {
    field: '请求 {{request}} 的参数无效（字段 {{field}}）：{{issue}}',
    whole: '请求 {{request}} 的参数无效：{{issue}}',
    said: '请求 {{request}} 的参数无效（字段 {{field}}）：$t(problems:{{said}})',
  },
  refused: {
    folderMissing: '{{folder}} 不存在。',
    folderIsFile: '{{folder}} 是一个文件，不是文件夹：请监视包含它的文件夹。',
    noFolderDialog: '浏览器中没有选择文件夹的对话框：请直接输入文件夹的路径。',
    demoNeedsQemuImg: '演示镜像要用 qemu-img 创建，但它未安装：请安装软件包 {{package}}。',
  },
};
