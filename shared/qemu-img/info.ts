import type { Argv } from '../argv.js';
import type { FallbackInfo } from '../images/forest.js';
import type { ImageFormat } from './image-opts.js';

/**
 * `qemu-img info --output=json -U -f FMT [--backing-chain] -- FILE`. `-U` because the
 * image may be in use. With `--backing-chain` the output is an array, top first, and a
 * missing backing file makes it fail with nothing on stdout.
 */
export function infoArgv(qemuImg: string, path: string, format: ImageFormat, options: { readonly backingChain?: boolean } = {}): Argv {
  return [qemuImg, 'info', '--output=json', '-U', '-f', format, ...(options.backingChain ? ['--backing-chain'] : []), '--', path];
}

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
