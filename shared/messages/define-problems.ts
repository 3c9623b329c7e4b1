/**
 * The define step's sentences in English (keys under `problems:define.`): why a domain's
 * persistent XML was not changed as the plan said (shared/libvirt/domain-xml.ts).
 */
export const defineProblems = {
  otherDomain: 'The domain named {{domain}} is no longer the one the plan was made for (UUID {{uuid}}, now "{{found}}"): nothing was defined. Plan again.',
  noDisk: 'Domain {{domain}} has no disk {{target}} any more: nothing was defined. Plan again.',
  // Revert and clone from a snapshot.
  noSavedDomain: 'The snapshot {{snapshot}} of {{domain}} kept no domain definition: nothing was defined.',
  clone: {
    nvram: 'Domain {{domain}} keeps its UEFI variables in {{file}}: a linked clone would share that file with it. Snaptree clones only domains without an NVRAM file.',
    tpm: 'Domain {{domain}} has a TPM: a linked clone would start with an empty one, and secrets sealed to its TPM would not open there. Snaptree clones only domains without a TPM.',
    sharedDisk: 'Disk {{target}} of domain {{domain}} is writable and not part of the clone: both domains would write into {{file}}. Make the disk read-only or shareable, or remove it, before cloning.',
  },
} as const;
