/** A process's argument array as the host runner takes it: the program's path first, never a shell line. */
export type Argv = readonly [program: string, ...args: string[]];
