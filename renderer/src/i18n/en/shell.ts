/** The shell strings in English: the source every other catalogue follows. */
export const shell = {} as const;
