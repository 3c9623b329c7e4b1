import type { settingsProblems as english } from '../../../../../shared/messages/settings-problems';
import type { Messages } from '../../messages';

export const settingsProblems: Messages<typeof english> = {
  issue: {
    notText: '不是文本',
    notLanguage: '不是界面支持的语言（英文 `en`、简体中文 `zh-CN`）',
    other: '无效',
  },
  leftOut: {
    value: '{{path}}：设置项 {{setting}}（{{value}}）$t(problems:settings.issue.{{issue}})，已略过。',
    notAList: '{{path}}：设置项 {{setting}} 应为列表（实际为 {{value}}），已略过。',
    entry: '{{path}}：设置项 {{setting}} 的第 {{number}} 项（{{value}}）$t(problems:settings.issue.{{issue}})，已略过。',
  },
  invalid: {
    json: '{{error}}',
    notAnObject: '其中不是一个 JSON 对象',
  },
  setAside: '{{path}} 不是有效的设置文件（$t(problems:settings.invalid.{{why}})）：原文件已保留为 {{backup}}，Snaptree 已使用全新的设置启动。',
  keptBeforeSave: '{{path}} 中有 Snaptree 无法读取的设置项：保存前的原文件已保留为 {{backup}}。',
  kept: {
    unreadable: '无法读取 {{path}}：$t(problems:image.errno.{{errno}})。本次启动不会载入其中的文件夹和连接，也不会保存更改覆盖该文件。',
    folder: '无法读取 {{path}}：它是一个文件夹，不是文件。本次启动不会载入其中的文件夹和连接，也不会保存更改覆盖该文件。',
    notSetAside:
      '{{path}} 不是有效的设置文件（$t(problems:settings.invalid.{{why}})），且无法移到一旁：$t(problems:image.errno.{{errno}})。本次启动不会载入其中的文件夹和连接，也不会保存更改覆盖该文件。',
  },
  notSaved: {
    unreadable: '未保存：无法读取 {{path}}：$t(problems:image.errno.{{errno}})，保存会覆盖它。请先让 Snaptree 能读取它（或将其移走），然后重试。',
    folder: '未保存：无法读取 {{path}}：它是一个文件夹，不是文件，保存会覆盖它。请先让 Snaptree 能读取它（或将其移走），然后重试。',
    notSetAside:
      '未保存：{{path}} 不是有效的设置文件（$t(problems:settings.invalid.{{why}})），且无法移到一旁：$t(problems:image.errno.{{errno}})，保存会覆盖它。请先让 Snaptree 能读取它（或将其移走），然后重试。',
    unwritable: '未保存：无法写入 {{path}}：$t(problems:image.errno.{{errno}})。',
  },
};
