/** The forest strings in English: the source every other catalogue follows. */
export const forest = {} as const;
