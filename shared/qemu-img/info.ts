import type { FallbackInfo } from '../images/forest.js';

/** The fields of `qemu-img info --output=json` that the forest needs; absent keys mean "not applicable". */
export function parseQemuImgInfo(stdout: string): FallbackInfo {
  const info = JSON.parse(stdout) as Record<string, unknown>;
  return {
    virtualSize: typeof info['virtual-size'] === 'number' ? info['virtual-size'] : null,
    backingName: typeof info['backing-filename'] === 'string' ? info['backing-filename'] : null,
    backingFormat: typeof info['backing-filename-format'] === 'string' ? info['backing-filename-format'] : null,
    encrypted: info.encrypted === true,
  };
}
