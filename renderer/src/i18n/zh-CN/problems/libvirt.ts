import type { libvirtProblems as english } from '../../../../../shared/messages/libvirt-problems';
import type { Messages } from '../../messages';

export const libvirtProblems: Messages<typeof english> = {
  snapshotFileMissing: {
    overlay: '此快照为 {{target}} 创建的增量镜像 {{file}} 已不存在。',
    backing: '{{overlay}} 的后端镜像是 {{path}}，但该文件不存在：{{target}} 在此快照时的状态已丢失。',
    memory: '此快照的内存文件 {{file}} 已不存在。',
  },
  staleSnapshot: {
    external: '此快照为 {{target}} 创建的 {{overlay}} 已不在该磁盘的镜像链中（例如手动执行 blockcommit（向下合并）之后）：libvirt 无法恢复到此快照，也无法删除它。',
    internal: '{{target}} 的镜像链中已没有镜像保存名为“{{snapshot}}”的内部快照：libvirt 中的这条快照记录已过时。',
    folded: '一次合并已把此快照的状态合并掉，只按要求保留了记录，并在其描述中作了标记：还原到它无法找回那个状态。',
  },
  chainMismatch: {
    named: '{{target}}：libvirt 记录 {{above}} 的下一层是 {{below}}，但该镜像的镜像头写的后端镜像是“{{name}}”。QEMU 与镜像文件的记录不一致（例如使用 --reuse-external 时镜像头不对）。',
    none: '{{target}}：libvirt 记录 {{above}} 的下一层是 {{below}}，但该镜像的镜像头没有写后端镜像。QEMU 与镜像文件的记录不一致（例如使用 --reuse-external 时镜像头不对）。',
  },
  uriRefused: {
    notAUri: '必须是 libvirt URI，例如 `qemu+ssh://host/system`',
    ext: '`ext` 传输方式会运行 URI 中指定的程序：请改用 `ssh`、`tls`、`tcp` 或 `unix`',
    program: '参数 {{parameter}}= 指定了要运行的程序：请去掉它',
  },
  demoDomain: {
    failed: '演示镜像已创建，但无法在 {{uri}} 创建快照操作所需的演示虚拟机：{{detail}}',
  },
};
