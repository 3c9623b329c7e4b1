/** The tools strings in English: the source every other catalogue follows. */
export const tools = {} as const;
