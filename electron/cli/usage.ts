/** Bad usage or input: said in one line on stderr, exit code 2 (docs/cli.md). */
export class UsageError extends Error {}
