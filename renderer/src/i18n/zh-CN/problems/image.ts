import type { imageProblems as english } from '../../../../../shared/messages/image-problems';
import type { Messages } from '../../messages';

/** Commands stay as typed, in backticks; QEMU's and the system's own words come in as values. */
export const imageProblems: Messages<typeof english> = {
  fileKind: {
    folder: '一个文件夹',
    fifo: '一个 FIFO（命名管道）',
    socket: '一个套接字',
    characterDevice: '一个字符设备',
    other: '一个特殊文件（不是普通文件）',
  },
  errno: {
    EACCES: '权限不足（EACCES）',
    EPERM: '不允许此操作（EPERM）',
    ENOENT: '文件或文件夹不存在（ENOENT）',
    ENOTDIR: '路径中的某一部分是文件，不是文件夹（ENOTDIR）',
    EISDIR: '它是一个文件夹（EISDIR）',
    ELOOP: '路径经过的符号链接太多（ELOOP）',
    ENAMETOOLONG: '路径太长（ENAMETOOLONG）',
    EIO: '输入/输出错误（EIO）',
    other: '{{code}}',
  },
  structure: {
    header: '镜像头',
    headerExtensions: '镜像头扩展',
    backingFileName: '后端镜像文件名',
    refcountTable: '引用计数表',
    l1Table: 'L1 表',
  },
  truncated: {
    empty: '文件为空（0 字节）：其中没有镜像。',
    structure:
      '文件只有 {{fileSize}} 字节，在其$t(problems:image.structure.{{structure}})的末尾（第 {{end}} 字节）之前就结束了：文件被截断了，或者镜像头指向了文件末尾之后。QEMU 会把缺失的部分当作零读取，数据可能已经丢失。',
    snapshotTable: '文件只有 {{fileSize}} 字节，结束在内部快照表之中（第 {{start}} 至 {{end}} 字节）：文件被截断了，或者镜像头指向了文件末尾之后。',
  },
  invalidHeader: 'QEMU 拒绝打开此镜像：“{{reason}}”。',
  missingDataFile: {
    unnamed: '镜像头表明客户机数据存放在外部数据文件中，却没有给出文件名：QEMU 无法运行此镜像（{{reason}}）。',
    rawWithoutFile: '镜像头标记了 raw 格式的外部数据文件，但镜像没有数据文件：QEMU 无法运行此镜像（{{reason}}）。',
    gone: '外部数据文件“{{path}}”不存在：客户机数据已丢失或被移走。',
    unreachable: '无法访问外部数据文件“{{path}}”：$t(problems:image.errno.{{errno}})。',
    notAFile: '外部数据文件“{{path}}”是$t(problems:image.fileKind.{{kind}})，不是文件：客户机数据不在那里。',
  },
  unknownFormat: '文件名表明它是 {{claimed}}，但文件没有 {{claimed}} 镜像头：QEMU 会把它当作 {{format}} 打开。',
  inexactBackingName:
    'qemu-img 报告的后端镜像名称是“{{name}}”：名称中含有不是 UTF-8 的字节，qemu-img 把它们替换成了替换字符（\ufffd），所以 Snaptree 无法判断它指的是哪个文件，也不跟踪它。QEMU 本身按名称的原始字节打开。要在这里看到镜像链，请给后端镜像换一个 UTF-8 名称，再把此镜像 rebase 到它上面（`qemu-img rebase -u`）。',
  protocolBacking: '后端镜像“{{name}}”是 QEMU 协议字符串（{{protocol}}:…），不是文件名：QEMU 会通过网络或按 JSON 描述打开它，Snaptree 不跟踪这类后端镜像。',
  missingBacking: {
    gone: '后端镜像“{{name}}”（{{path}}）不存在：在它回到原处或对此镜像执行 rebase 之前，此镜像无法打开。',
    badJson: 'QEMU 无法解析后端镜像名“{{name}}”中的 JSON（例如其中有重复的键），因此无法打开此镜像。',
    unknownProtocol: 'QEMU 把后端镜像名“{{name}}”读作它不认识的协议“{{protocol}}:”，因此无法打开此镜像。修复：`qemu-img rebase -u -b ./{{name}}`（加上“./”即成为文件名），并注明其格式。',
    unreachable: '无法访问后端镜像“{{name}}”（{{path}}）：$t(problems:image.errno.{{errno}})。在该路径能找到它或对此镜像执行 rebase 之前，此镜像无法打开。',
  },
  backingNotAFile: '后端镜像“{{name}}”（{{path}}）是$t(problems:image.fileKind.{{kind}})，不是镜像文件：在该路径指向真正的后端镜像或对此镜像执行 rebase 之前，此镜像无法打开。',
  backingAmbiguous: {
    image: '这个文件也可以通过 {{alias}} 访问，而 QEMU 会把后端镜像名“{{name}}”接在打开它时所用路径的文件夹后面：通过那个路径，后端镜像是 {{other}}。客户机看到哪条镜像链取决于给它的路径；Snaptree 不会改动其中任何一条。',
    backing: '以 {{alias}} 打开显示为 {{shown}} 的镜像时，这是它的后端镜像：在该镜像有两条镜像链期间，Snaptree 不会改动它。',
  },
  backingLoop: {
    self: '此镜像把自己设为了后端镜像：QEMU 无法打开它。',
    chain: '镜像链绕回到了此镜像（{{chain}}）：QEMU 无法打开它。',
  },
  noBackingFormat: {
    unknown: '镜像头没有记录后端镜像的格式，QEMU 只能去猜；猜测格式并不安全，较新版本的 QEMU 会拒绝打开。',
    known: '镜像头没有记录后端镜像的格式，QEMU 只能去猜（{{format}}）；猜测格式并不安全，较新版本的 QEMU 会拒绝打开。修复方法：`qemu-img rebase -u -b <原文件名> -F {{format}}`。',
  },
  backingFormatMismatch: '镜像头记录的后端镜像格式是 {{recorded}}，但 {{file}} 读起来是 {{format}}：QEMU 为此镜像按 {{recorded}} 打开它，客户机看到的内容与 {{file}} 作为 {{format}} 所含的内容不同。两者必有一错（客户机在 raw 磁盘里写入镜像头后，它读起来就像那种镜像），Snaptree 无法判断是哪一个。',
  corrupt: '已设置损坏标志位：QEMU 发现了不一致之处，会以只读方式打开此镜像。请用 `qemu-img check` 检查，用 `-r all` 修复。',
  dirty: '已设置脏标志位：镜像没有被正常关闭（`lazy_refcounts`）。QEMU 会在下次以读写方式打开时修复它。',
  encrypted: '此镜像已加密：读取或修改其中的数据需要密码。',
  unreadable: {
    denied: 'Snaptree 无权读取此文件：$t(problems:image.errno.{{errno}})。请检查它的权限。',
    failed: '无法读取此文件：$t(problems:image.errno.{{errno}})。',
    changed: '读取过程中文件发生了变化：无法完整读取其镜像头。',
    nameNotUtf8: '无法把此文件名交给 qemu-img：其中含有不是 UTF-8 的字节（显示为 `\\xNN`），而 Snaptree 启动 qemu-img 时，参数只能以 UTF-8 文本传递，qemu-img 会收到另一个文件名。请重命名此文件以查看详情。',
    qemuImg: 'qemu-img 无法读取它：{{detail}}',
    otherFormat: 'QEMU 会以 {{format}} 格式打开此文件，而 Snaptree 不读取这种格式：它不是 raw，任何计划都不会处理它。',
  },
  badExtent: {
    gone: 'vmdk 区段文件“{{name}}”（{{path}}）不存在：镜像的数据不在那里。',
    notAFile: 'vmdk 区段文件“{{name}}”（{{path}}）是$t(problems:image.fileKind.{{kind}})，不是文件：镜像的数据不在那里，也不会交给 qemu-img 读取（它会一直卡在那里等待）。',
    unreachable: '无法访问 vmdk 区段文件“{{name}}”（{{path}}）：$t(problems:image.errno.{{errno}})。',
  },
  watchedPath: {
    gone: '此路径不存在。',
    unreachable: '无法读取此路径：$t(problems:image.errno.{{errno}})。',
    notAFolder: '此路径是$t(problems:image.fileKind.{{kind}})，不是文件夹，也不是镜像文件。',
    folderUnreadable: '无法读取此文件夹：$t(problems:image.errno.{{errno}})。其中的镜像不会显示。',
    scanFailed: '扫描失败：{{reason}}',
  },
  skipped: {
    notAFile: '$t(problems:image.fileKind.{{kind}})，不是镜像文件',
    linkNotAFile: '指向$t(problems:image.fileKind.{{kind}})的符号链接，不是镜像文件',
    danglingLink: '失效的符号链接：它指向的目标不存在',
    linkLoop: '符号链接循环：这些链接互相指向对方（ELOOP）',
    linkUnreachable: '无法访问目标的符号链接：$t(problems:image.errno.{{errno}})',
    folderAgain: '已作为 {{first}} 扫描过的文件夹（链接循环，或通往它的第二条路径）',
    unreadable: '无法读取，文件名也不像磁盘镜像：$t(problems:{{problem}})',
  },
  orphanOverlay: '没有虚拟机使用这个增量镜像，也没有镜像以它为后端镜像：它可能是旧快照或克隆遗留下来的。',
};
