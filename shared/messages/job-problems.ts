/**
 * The job runner's sentences in English (keys under `problems:jobs.`): why a job waits or
 * failed, what it left behind, the state of a file after an interruption, recovery.
 */
export const jobProblems = {
  waiting: 'Waits for job {{job}}, which holds {{what}}',
} as const;
