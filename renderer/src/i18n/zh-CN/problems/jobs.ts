import type { jobProblems as english } from '../../../../../shared/messages/job-problems';
import type { Messages } from '../../messages';

export const jobProblems: Messages<typeof english> = {
  waiting: '等待任务 {{job}}，它正占用 {{what}}',
  refused: {
    blocked: '此计划有阻止项，因此不会运行：阻止项说明了可以改做什么。',
    unknownJob: '没有记录任务 {{job}}。',
    restoreOccupied: '未恢复：{{path}} 处现在已有别的东西。请先把它移开；没有任何文件被移回。',
    nothingTrashed: '任务 {{job}} 在回收站中没有文件。',
  },
  step: {
    exists: '未运行：{{path}} 已存在，任务从不覆盖文件。',
    exitCode: '{{program}} 失败，退出码 {{exitCode}}：{{detail}}',
    signal: '{{program}} 被信号 {{signal}} 结束。',
    cancelled: '已取消。',
    failed: '此步骤失败：{{detail}}',
    trashFailed: '无法把 {{path}} 移到回收站（{{code}}）：{{detail}}',
    domainRuns: '{{domain}} 现在的状态是 {{state}}：它的 QEMU 仍在写入旧文件，因此不切换它的磁盘。请先关闭它，再重新规划此更改。',
    purgeRefused: '拒绝删除 {{folder}}：只会删除 `.snaptree-trash` 中某个任务的文件夹。',
  },
  left: {
    failedAt: '第 {{step}} 步（共 {{total}} 步）失败；之前的步骤已完成。',
    cancelledAt: '在第 {{step}} 步（共 {{total}} 步）时取消；之前的步骤已完成。',
    cancelledAfter: '在第 {{step}} 步（共 {{total}} 步）之后取消，该步必须完成：之后的步骤没有运行。',
    cancelledWaiting: '在开始前取消：没有运行任何步骤。',
    optionalFailed: '第 {{step}} 步失败；它是可选的，任务跳过它继续进行。',
    partialTrashed: '未完成的文件 {{path}} 已移到回收站（{{trashed}}）。',
    partialKept: '未完成的文件 {{path}} 仍在原处：无法把它移到回收站（{{code}}）。',
    notRun: '第 {{step}} 步（共 {{total}} 步）没有运行。',
    defineFailed: '{{domain}} 没有被重新定义：libvirt 的定义要么全部完成，要么完全没做，所以它保留旧的 XML 及其中的文件（`virsh dumpxml --inactive` 可以查看）。',
    restoreFailed: '{{domain}} 没有从 {{path}} 恢复：它处于关闭状态，已定义在新的增量镜像上（启动会在新分支上重新引导）。请再试一次 `virsh restore`，或直接启动它；旧分支不受影响。',
    madeUnused: '为 {{domain}} 生成的 {{path}} 已完整生成并留在原处，目前没有虚拟机使用它：可以自己把磁盘切换到它，或在重新规划此更改之前把它移走（计划从不覆盖已有的文件）。',
    libvirtLost: 'libvirt 在执行此步骤时停止了，它可能在关闭前完成了此步骤：等它再次响应后，用 `virsh snapshot-list` 和 `virsh domblklist` 查看。{{paths}} 保持 libvirt 留下的样子：只有在没有虚拟机使用它们时才能把它们移走。',
    libvirtKept: 'libvirt 正在生成 {{path}}，它留在原处：如果快照其实已经创建，虚拟机现在正写入它（见 `virsh domblklist`）。只有在没有虚拟机使用它时才能把它移走。',
  },
  interrupted: {
    running: '程序在第 {{step}} 步（共 {{total}} 步）时停止了（崩溃或被强制结束）。',
    between: '程序在第 {{step}} 步（共 {{total}} 步）之后、下一步开始之前停止了（崩溃或被强制结束）。',
    waiting: '程序在任务等待时停止了：没有运行任何步骤。',
  },
  recovery: {
    halfMade: '撤销第 {{step}} 步：把它正在生成的 {{path}} 移到回收站；然后重新规划此更改以完成它。',
    libvirtMade: '第 {{step}} 步是 libvirt 在生成 {{path}}：虚拟机可能已在写入它（见 `virsh domblklist`），所以只有在没有虚拟机使用它时才能把它移走；然后重新规划此更改。',
    rest: '第 {{from}} 到第 {{total}} 步没有运行：重新规划此更改以完成它。',
    trashed: '第 {{step}} 步已完成：{{path}} 已在回收站中。第 {{from}} 到第 {{total}} 步没有运行：重新规划此更改以完成它。',
    allDone: '所有步骤都已完成（第 {{step}} 步已把 {{path}} 移到回收站）：没有需要完成的了。',
    inPart: '第 {{step}} 步可能已部分写入它的文件：请先检查这些文件（它们的状态见上方，`qemu-img check` 能说明更多），再重新规划此更改。',
    define: '第 {{step}} 步正在重新定义 {{domain}}：`virsh define` 要么全部完成，要么完全没做，所以它的 XML（`virsh dumpxml --inactive`）不是旧的就是新的；请先查看，再重新规划此更改。',
    purge: '第 {{step}} 步正在删除 {{folder}}：其中一部分可能已经删除。再次清空回收站即可删除其余部分。',
    restore: '第 {{step}} 步正在从 {{path}} 恢复 {{domain}}：它要么已从该内存运行，要么仍处于关闭状态（`virsh domstate`）；请先查看，再重新规划此还原。',
  },
  journalUnreadable: '无法读取任务记录 {{file}}，已原样保留：{{detail}}',
};
