/**
 * File names on Linux are bytes, not text. Snaptree keeps them as JS strings losslessly
 * with PEP 383's "surrogateescape": valid UTF-8 decodes as usual, and every byte that is
 * not part of valid UTF-8 (always 0x80 or above) becomes the lone surrogate
 * U+DC80 + (byte - 0x80). A valid string never holds a lone surrogate, so the bytes come
 * back exactly. Every file system call on such a path must be given `encodePath(path)`:
 * Node writes a lone surrogate in a string path as U+FFFD, which names another file.
 * JSON keeps the surrogates (`"\udcff"`); `displayPath` shows them as `\xff`.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

const ESCAPE_BASE = 0xdc00;
const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * Length of the valid UTF-8 sequence starting at `at`, or 0 when the byte there starts
 * none: no overlong forms, no encoded surrogates, nothing above U+10FFFF (RFC 3629).
 */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  const second = bytes[at + 1];
  if (lead >= 0xc2 && lead <= 0xdf) return isContinuation(second) ? 2 : 0;
  if (second === undefined) return 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const secondOk = lead === 0xe0 ? second >= 0xa0 && second <= 0xbf : lead === 0xed ? second >= 0x80 && second <= 0x9f : isContinuation(second);
    return secondOk && isContinuation(bytes[at + 2]) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const secondOk = lead === 0xf0 ? second >= 0x90 && second <= 0xbf : lead === 0xf4 ? second >= 0x80 && second <= 0x8f : isContinuation(second);
    return secondOk && isContinuation(bytes[at + 2]) && isContinuation(bytes[at + 3]) ? 4 : 0;
  }
  return 0;
}

/** A file name's bytes as a string; bytes that are not UTF-8 become U+DC80..U+DCFF. */
export function decodePathBytes(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    // Not UTF-8 throughout: decode what is valid, escape each byte of what is not.
  }
  let out = '';
  for (let at = 0; at < bytes.length; ) {
    const length = sequenceLength(bytes, at);
    if (length === 0) {
      out += String.fromCharCode(ESCAPE_BASE + bytes[at]!);
      at += 1;
    } else {
      out += strict.decode(bytes.subarray(at, at + length));
      at += length;
    }
  }
  return out;
}

/** A lone (unpaired) surrogate: no valid text holds one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ANY_LONE_SURROGATE = new RegExp(LONE_SURROGATE.source);

/** Whether a path holds bytes that are not UTF-8: Node.js passes process arguments as UTF-8 text only, so no tool can be given it as it is. */
export function hasEscapedBytes(path: string): boolean {
  return ANY_LONE_SURROGATE.test(path);
}

/**
 * The bytes a path string stands for, as a Node fs call takes them (a Uint8Array path
 * is accepted like a Buffer). A lone surrogate that no byte stands for (never made by
 * `decodePathBytes`) is written as U+FFFD, as Node itself would.
 */
export function encodePath(path: string): Uint8Array {
  if (!hasEscapedBytes(path)) return utf8.encode(path);
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const match of path.matchAll(LONE_SURROGATE)) {
    parts.push(utf8.encode(path.slice(last, match.index)));
    const unit = match[0].charCodeAt(0);
    parts.push(unit >= ESCAPE_BASE + 0x80 && unit <= ESCAPE_BASE + 0xff ? Uint8Array.of(unit - ESCAPE_BASE) : utf8.encode('\ufffd'));
    last = match.index + match[0].length;
  }
  parts.push(utf8.encode(path.slice(last)));
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** A path for people: each byte that is not UTF-8 as `\xNN`, the rest as it is. */
export function displayPath(path: string): string {
  return path.replace(/[\ud800-\udbff][\udc00-\udfff]|[\udc80-\udcff]/g, (unit) =>
    unit.length === 2 ? unit : `\\x${(unit.charCodeAt(0) - ESCAPE_BASE).toString(16).padStart(2, '0')}`,
  );
}
