import type { FallbackInfo } from '../../../shared/images/forest.js';
import { infoArgv, parseQemuImgInfo } from '../../../shared/qemu-img/info.js';
import type { Host } from '../host/host.js';

/**
 * Reading a header takes qemu-img milliseconds; one that takes longer is stuck (an
 * extent on a hung mount), and must not hold up the scan, which runs at every change.
 */
const INFO_TIMEOUT_MS = 5_000;

/** `qemu-img info` (shared/qemu-img/info.ts), for formats Snaptree does not decode itself (vmdk, vdi, vhdx, qed, vpc, LUKS). */
export async function qemuImgInfo(host: Host, qemuImg: string, path: string, format: string): Promise<FallbackInfo> {
  const { stdout } = await host.run({ argv: infoArgv(qemuImg, path, format), timeoutMs: INFO_TIMEOUT_MS });
  return parseQemuImgInfo(stdout);
}
