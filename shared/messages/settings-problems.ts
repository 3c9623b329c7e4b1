/** The sentences of the settings file's problems and refusals, in English (keys under `problems:settings.`). */
export const settingsProblems = {
  /**
   * An entry the file held that could not be taken. `issue` is the validator's sentence
   * for it (zod's, with the words given in electron/core/settings.ts): quoted as it said it.
   */
  leftOut: {
    value: '{{path}}: {{setting}} ({{value}}) {{issue}}: left out.',
    notAList: '{{path}}: {{setting}} is not a list ({{value}}): left out.',
    entry: '{{path}}: {{setting}} entry {{number}} ({{value}}) {{issue}}: left out.',
  },
  /** Why a file is not valid settings: JSON.parse's own words, or not an object at all. */
  invalid: {
    json: '{{error}}',
    notAnObject: 'it does not hold a JSON object',
  },
  setAside: '{{path}} was not valid settings ($t(problems:settings.invalid.{{why}})): it is kept as {{backup}}, and Snaptree started afresh.',
  keptBeforeSave: '{{path}} held entries Snaptree could not read: the file as it was is kept as {{backup}}.',
  /** A file there that must not be written over; `reason` is the system's (osReason). */
  kept: {
    unreadable: '{{path}} cannot be read: {{reason}}. Snaptree starts without its folders and connections, and saves no change over it.',
    folder: '{{path}} cannot be read: it is a folder (EISDIR). Snaptree starts without its folders and connections, and saves no change over it.',
    notSetAside:
      '{{path}} is not valid settings ($t(problems:settings.invalid.{{why}})) and cannot be set aside: {{reason}}. Snaptree starts without its folders and connections, and saves no change over it.',
  },
  /** A save refused: the same files, said for the change that was not made. */
  notSaved: {
    unreadable: 'Not saved: {{path}} cannot be read: {{reason}}, and saving would write over it. Let Snaptree read it (or move it away), then try again.',
    folder: 'Not saved: {{path}} cannot be read: it is a folder (EISDIR), and saving would write over it. Let Snaptree read it (or move it away), then try again.',
    notSetAside:
      'Not saved: {{path}} is not valid settings ($t(problems:settings.invalid.{{why}})) and cannot be set aside: {{reason}}, and saving would write over it. Let Snaptree read it (or move it away), then try again.',
    unwritable: 'Not saved: {{path}} cannot be written: {{reason}}.',
  },
} as const;
