import type { FallbackInfo } from '../../../shared/images/forest.js';
import { parseQemuImgInfo } from '../../../shared/qemu-img/info.js';
import type { Host } from '../host/host.js';

/**
 * `qemu-img info --output=json -U -f FMT FILE`, for formats Snaptree does not decode
 * itself (vmdk, vdi, vhdx, qed, vpc, LUKS). `-U` because the image may be in use.
 */
export async function qemuImgInfo(host: Host, qemuImg: string, path: string, format: string): Promise<FallbackInfo> {
  const { stdout } = await host.run({ argv: [qemuImg, 'info', '--output=json', '-U', '-f', format, path], timeoutMs: 15_000 });
  return parseQemuImgInfo(stdout);
}
