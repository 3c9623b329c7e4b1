/** The terms strings in English: the source every other catalogue follows. */
export const terms = {} as const;
