import { encodePath } from '../../../shared/images/path-bytes.js';

/**
 * A path as every fs call here must be given it: its bytes (shared/images/path-bytes.ts),
 * so that a name that is not UTF-8 names its own file, not one with U+FFFD in its name.
 */
export function fsPath(path: string): Buffer {
  const bytes = encodePath(path);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
