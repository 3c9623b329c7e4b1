/** The sentences of libvirt's problems and the core's refusals, in English (keys under `problems:libvirt.`). */
export const libvirtProblems = {} as const;
