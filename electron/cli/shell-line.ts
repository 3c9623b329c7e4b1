/** One line a POSIX shell reads back as exactly this argv: each word in single quotes (`'\''` for a quote) unless it is plain. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
