/** The libvirt strings in English: the source every other catalogue follows. */
export const libvirt = {} as const;
