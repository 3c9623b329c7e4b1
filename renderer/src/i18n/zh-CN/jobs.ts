import type { Messages } from '../messages';
import type { jobs as english } from '../en/jobs';

export const jobs: Messages<typeof english> = {
  state: {
    waiting: '等待中',
    running: '运行中',
    done: '已完成',
    failed: '失败',
    cancelled: '已取消',
    interrupted: '被中断',
  },
  outcome: {
    pending: '待执行',
    running: '运行中',
    done: '已完成',
    failed: '失败',
    cancelled: '已取消',
    skipped: '已跳过',
  },
  fileState: {
    ok: '可以照常打开',
    missing: '不存在',
    unreadable: '无法读取',
    invalid: '无效',
    trashed: '在回收站中',
  },
  row: {
    at: '{{date, datetime(timeStyle: short)}}',
    progress: '进度',
    speed: '每秒 {{speed}}',
    secondsLeft: '剩余 {{seconds, number}} 秒',
    minutesLeft: '剩余 {{minutes, number}} 分 {{seconds}} 秒',
    step: '第 {{number, number}} 步，共 {{total, number}} 步：',
    interruptedAt: '程序停止时正在执行第 {{number, number}} 步，共 {{total, number}} 步：',
    cancel: '取消',
    details: '步骤和输出',
    exitCode: '（退出码 {{code}}）',
    output: '输出',
    left: '留下了：',
    notStarted: '为何没有运行：',
    files: '它涉及的文件（重新读取）：',
    fileProblem: '{{state}}：{{problem}}',
  },
  trash: {
    empty: '回收站是空的。更改后不再使用的文件会移到这里，就在原位置旁边，直到你清空回收站。',
    total: '回收站中共 {{size}}',
    emptyTrash: '清空回收站…',
    by: '来自：{{title}}',
    byUnknown: '来自任务 {{job}}',
    restore: '恢复',
  },
};
