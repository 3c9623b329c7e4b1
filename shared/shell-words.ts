/**
 * An argument array as a POSIX shell would need it typed, for the plan dialog's "copy the
 * command" (the program itself never runs a shell). A word of safe characters stays bare;
 * any other goes in single quotes, inside which only the quote itself is special: it
 * becomes `'\''` (close, an escaped quote, open again).
 */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(word: string): string {
  return BARE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}
