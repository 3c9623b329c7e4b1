/**
 * The planners' sentences in English (keys under `problems:plans.`): each plan's title, its
 * steps' descriptions, blockers with their alternatives, warnings, lost states, and what a
 * cancel leaves behind. Values are names, paths and numbers (docs/i18n.md).
 */
export const planProblems = {
  title: {
    snapshot: 'Take snapshot {{name}} of {{domain}}',
  },
} as const;
