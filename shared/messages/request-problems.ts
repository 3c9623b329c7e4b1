/** The sentences of requests the core would not take, in English (keys under `problems:request.`). */
export const requestProblems = {
  unknown: 'There is no request named {{name}}',
  /** `issue` is the validator's account of what was wrong (zod's words, as it prettifies them). */
  invalid: {
    field: 'Invalid argument for {{request}} (field {{field}}): {{issue}}',
    whole: 'Invalid argument for {{request}}: {{issue}}',
    /** The field's check said why in a sentence of its own (uriRefusal): nested by its key. */
    said: 'Invalid argument for {{request}} (field {{field}}): $t(problems:{{said}})',
  },
  /** Requests that make no sense now (a Refusal of the core). */
  refused: {
    folderMissing: '{{folder}} does not exist.',
    folderIsFile: '{{folder}} is a file, not a folder: watch the folder that holds it.',
    noFolderDialog: 'There is no folder dialog in the browser: type the folder’s path instead.',
    demoNeedsQemuImg: 'The demo is made with qemu-img, which is not installed: install the package {{package}}.',
  },
} as const;
