import type { defineProblems as english } from '../../../../../shared/messages/define-problems';
import type { Messages } from '../../messages';

export const defineProblems: Messages<typeof english> = {
  otherDomain: '名为 {{domain}} 的域已不是制定计划时的那个（UUID {{uuid}}，现在是“{{found}}”）：未定义任何内容。请重新制定计划。',
  noDisk: '域 {{domain}} 已没有磁盘 {{target}}：未定义任何内容。请重新制定计划。',
  // 从快照还原和克隆。
  noSavedDomain: '{{domain}} 的快照 {{snapshot}} 没有保存域定义：未定义任何内容。',
  clone: {
    nvram: '域 {{domain}} 的 `UEFI` 变量保存在 {{file}}：链接克隆会与它共用这个文件。Snaptree 只克隆没有 `NVRAM` 文件的域。',
    tpm: '域 {{domain}} 有 `TPM`：链接克隆会从一个空的 `TPM` 开始，封存在原 `TPM` 中的密钥在克隆中无法打开。Snaptree 只克隆没有 `TPM` 的域。',
    sharedDisk: '域 {{domain}} 的磁盘 {{target}} 可写且不在克隆之中：两个域都会写入 {{file}}。克隆前请把该磁盘设为只读或可共享，或将其移除。',
  },
};
