/**
 * An argument array as a POSIX shell would need it typed, for the plan dialog's "copy the
 * command" (the program itself never runs a shell). A word of safe characters stays bare;
 * any other goes in single quotes, inside which only the quote itself is special: it
 * becomes `'\''` (close, an escaped quote, open again).
 */
import { isJoiner } from './format.js';

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(word: string): string {
  return BARE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

/** What a terminal acts on or hides, as terminalText (format.ts) finds it: controls, format characters, separators, lone surrogates. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** What $'…' escapes: those, and its own backslash and quote. */
const C_QUOTED = /[\\'\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const C_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\v': '\\v', '\f': '\\f', '\x1b': '\\e' };

function unseenEscape(char: string): string {
  const named = C_ESCAPES[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0)!;
  if (isJoiner(code)) return char;
  // A name's byte that is not UTF-8 stands as U+DC80–U+DCFF: $'\xNN' is that very byte.
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - 0xdc00).toString(16)}`;
  return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * The argument array as a terminal may print it and bash, zsh or ksh read it back when
 * pasted: a word holding a character a terminal would act on or hide (a tab, ESC, a bidi
 * override) is written $'…', that character escaped. Only the CLI's text prints this: the
 * POSIX sh of Debian reads no $'…', so what the window copies stays shellLine's.
 */
export function printableShellLine(argv: readonly string[]): string {
  return argv.map((word) => (word.match(UNSEEN)?.some((char) => !isJoiner(char.codePointAt(0)!)) ? `$'${word.replace(C_QUOTED, unseenEscape)}'` : shellWord(word))).join(' ');
}
