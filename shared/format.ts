/** Bytes as a person reads them, in binary units as qemu-img prints them: `1.5 GiB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** What went wrong, for a message: an Error's own words, or whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** How a terminal is told, in C's notation, about the characters that have one. */
const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
};

/**
 * What a terminal would act on or not show: the backslash (so that an escape is never
 * ambiguous), control characters (C0, DEL, C1), line and paragraph separators, format
 * characters (bidi overrides that reorder a name, zero-width spaces) and lone surrogates.
 */
const UNSAFE_FOR_TERMINAL = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** Format characters that visible text is made of: joiners of emoji and of Indic and Persian script, emoji tags. */
export function isJoiner(code: number): boolean {
  return code === 0x200c || code === 0x200d || (code >= 0xe0020 && code <= 0xe007f);
}

/**
 * A string as a terminal may print it: a file name or a header's backing name holding
 * `ESC ] 0 ; … BEL` would set the terminal's title, `ESC [ 2 J` clear it. Each such
 * character is shown escaped, as `ls` does (docs/cli.md): `\e` `\a` `\n` … and `\\`;
 * `\xNN` for any other C0 control and DEL, and for U+DC80–U+DCFF, which stand for the
 * raw byte 0x80–0xFF of a name that is not UTF-8; `\uNNNN` (`\u{NNNNN}` above U+FFFF)
 * for the rest, C1 controls (`\u009b`) included. Total on any JS string.
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) return named;
    const code = char.codePointAt(0)!;
    if (isJoiner(code)) return char;
    if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
    if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - 0xdc00).toString(16)}`;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * What JSON.stringify leaves raw that a terminal acts on or hides: DEL and C1 controls,
 * line and paragraph separators, format characters. (It escapes C0 itself; the newlines
 * of its indentation are C0 and must stay.) Such characters occur only inside strings.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

const unicodeEscape = (char: string): string =>
  Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/**
 * JSON for a terminal as well as a script: the same value (`JSON.parse` gives back every
 * string exactly), with the characters JSON.stringify leaves raw that a terminal would act
 * on (U+009B is a CSI) or hide (a bidi override) written as `\uNNNN` escapes.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, unicodeEscape);
}
