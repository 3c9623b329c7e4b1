/** The sentences of the settings file's problems and refusals, in English (keys under `problems:settings.`). */
export const settingsProblems = {
  /**
   * An entry the file held that could not be taken. `issue` names what is wrong with it
   * (the code the validators in electron/core/settings.ts and shared/contract.ts give).
   */
  issue: {
    notText: 'is not text',
    notLanguage: 'is not a language of the window (en, zh-CN)',
    other: 'is not valid',
  },
  leftOut: {
    value: '{{path}}: {{setting}} ({{value}}) $t(problems:settings.issue.{{issue}}): left out.',
    notAList: '{{path}}: {{setting}} is not a list ({{value}}): left out.',
    entry: '{{path}}: {{setting}} entry {{number}} ({{value}}) $t(problems:settings.issue.{{issue}}): left out.',
  },
  /** Why a file is not valid settings: JSON.parse's own words, or not an object at all. */
  invalid: {
    json: '{{error}}',
    notAnObject: 'it does not hold a JSON object',
  },
  setAside: '{{path}} was not valid settings ($t(problems:settings.invalid.{{why}})): it is kept as {{backup}}, and Snaptree started afresh.',
  keptBeforeSave: '{{path}} held entries Snaptree could not read: the file as it was is kept as {{backup}}.',
  /** A file there that must not be written over; `errno` is the system's code, named as the images' problems name it. */
  kept: {
    unreadable: '{{path}} cannot be read: $t(problems:image.errno.{{errno}}). Snaptree starts without its folders and connections, and saves no change over it.',
    folder: '{{path}} cannot be read: it is a folder (EISDIR). Snaptree starts without its folders and connections, and saves no change over it.',
    notSetAside:
      '{{path}} is not valid settings ($t(problems:settings.invalid.{{why}})) and cannot be set aside: $t(problems:image.errno.{{errno}}). Snaptree starts without its folders and connections, and saves no change over it.',
  },
  /** A save refused: the same files, said for the change that was not made. */
  notSaved: {
    unreadable: 'Not saved: {{path}} cannot be read: $t(problems:image.errno.{{errno}}), and saving would write over it. Let Snaptree read it (or move it away), then try again.',
    folder: 'Not saved: {{path}} cannot be read: it is a folder (EISDIR), and saving would write over it. Let Snaptree read it (or move it away), then try again.',
    notSetAside:
      'Not saved: {{path}} is not valid settings ($t(problems:settings.invalid.{{why}})) and cannot be set aside: $t(problems:image.errno.{{errno}}), and saving would write over it. Let Snaptree read it (or move it away), then try again.',
    unwritable: 'Not saved: {{path}} cannot be written: $t(problems:image.errno.{{errno}}).',
  },
} as const;
