/**
 * The sentences of the Tools panel's and the connections' errors, in English (keys under
 * `problems:tools.`). libvirt's and virsh's own words are not among them: they are sent
 * as they said them, with no key.
 */
export const toolsProblems = {
  notInstalled: '{{name}} is not installed: install the package {{package}}',
  unexpectedVersion: '{{name}} --version printed something unexpected: {{output}}',
  virshNeeded: 'virsh is needed to ask the libvirt daemon: install the package {{package}}',
  noAnswer: 'virsh -c {{uri}} did not answer',
  /** Why a command the host ran failed; `detail` is the tool's own words (its stderr) or the system's. */
  command: {
    cancelled: '{{program}} was cancelled',
    timeout: '{{program}} did not finish within {{seconds}} s and was stopped',
    notFound: '{{program}} is not installed or not on the search path',
    spawn: '{{program}} could not be started: {{detail}}',
    exitCode: '{{program}} failed (exit code {{exitCode}}): {{detail}}',
    nameNotUtf8:
      '{{program}} was not started: the argument {{argument}} holds bytes that are not UTF-8 (shown as \\xNN), and Node.js passes arguments only as UTF-8 text, so {{program}} would be given another name.',
  },
} as const;
