/** The sentences of the disk forest's problems, in English (keys under `problems:image.`). */
export const imageProblems = {} as const;
