import type { Messages } from '../messages';
import type { terms as english } from '../en/terms';

export const terms: Messages<typeof english> = {
  tooltip: '<name>{{name}}</name>（<english>{{english}}</english>）：{{explanation}}',
  overlay: {
    name: '增量镜像',
    explanation: '只记录在后端镜像之上所做改动的 qcow2 镜像；没有改动过的数据从下层镜像读取。',
  },
  backingFile: {
    name: '后端镜像',
    explanation: '增量镜像所基于的只读镜像；只要还有增量镜像在使用它，就不能修改它。',
  },
  activeLayer: {
    name: '活动层',
    explanation: '虚拟机镜像链最顶端、QEMU 正在写入的镜像；它下面的镜像都是只读的。',
  },
  blockcommit: {
    name: '向下合并',
    explanation: '把增量镜像中的改动合并到它下面的镜像里（virsh blockcommit，也叫块提交），从而缩短镜像链。',
  },
  pull: {
    name: '向上合并',
    explanation: '把后端镜像中的数据复制到上层的增量镜像里（virsh blockpull，也叫块拉取），之后它不再依赖这些后端镜像。',
  },
  internal: {
    name: '内部快照',
    explanation: '保存在 qcow2 文件内部、与当前数据放在一起的快照；不会生成新文件。',
  },
  external: {
    name: '外部快照',
    explanation: '把当前镜像冻结为后端镜像，并在其上新建一个增量镜像，接收此后的所有写入。',
  },
  checkpoint: {
    name: '系统还原点',
    explanation: '连同内存和磁盘一起保存的虚拟机快照：恢复到这个快照后，虚拟机从当时的状态继续运行。',
  },
};
