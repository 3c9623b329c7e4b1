import type { Messages } from '../messages';
import type { tools as english } from '../en/tools';

export const tools: Messages<typeof english> = {
  label: '工具',
  title: '{{host}} 上的工具',
  titleHere: '本机上的工具',
  checkAgain: '重新检查',
  checking: '正在检查…',
  checkFailed: '无法进行检查：{{error}}',
  looking: '正在查找 qemu-img、virsh 和 libvirtd…',
  missing: '未安装',
  install: '安装方法：<code>{{command}}</code>',
  qemuImg: '读取和创建磁盘镜像，并执行 commit（向下合并）和 rebase（更换后端镜像）。',
  virsh: '与 libvirt 通信：管理虚拟机、快照和块作业。',
  daemon: {
    name: 'libvirt 守护进程',
    noAnswer: '没有响应',
    explain: '运行虚拟机（域），并保存它们的快照记录。',
    hypervisor: '虚拟机监控器',
    externalRevert: '恢复到<external>外部快照</external>',
    revertsExternal: 'libvirt 能自行恢复到外部快照',
    noExternalRevert: '此版本的 libvirt 不支持（需要 {{version}} 或更高版本）：这里的 virsh snapshot-revert 会拒绝恢复到外部快照',
    install: '要管理虚拟机，需要运行中的守护进程：<code>{{command}}</code>，然后启动 libvirtd。',
  },
  checkedAt: '检查于 {{date, datetime}}',
};
