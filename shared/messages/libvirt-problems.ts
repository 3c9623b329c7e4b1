/** The sentences of libvirt's problems and the core's refusals, in English (keys under `problems:libvirt.`). */
export const libvirtProblems = {
  snapshotFileMissing: {
    overlay: 'The overlay {{file}} made for {{target}} at this snapshot no longer exists.',
    backing: '{{overlay}} names {{path}} as its backing file, which does not exist: the state of {{target}} at this snapshot is gone.',
    memory: 'The memory file {{file}} of this snapshot no longer exists.',
  },
  staleSnapshot: {
    external: "{{overlay}}, made for {{target}} at this snapshot, is no longer in the disk's chain (as after a manual blockcommit): libvirt cannot revert to or delete this snapshot.",
    internal: "No image in {{target}}'s chain holds an internal snapshot named \"{{snapshot}}\" any more: libvirt's record of it is stale.",
    folded: 'A merge folded this snapshot\'s state away and kept its record, marked so in its description: reverting to it would not bring that state back.',
  },
  chainMismatch: {
    named: '{{target}}: libvirt has {{below}} below {{above}}, but that image\'s header names "{{name}}". QEMU and the files disagree (as after --reuse-external with a wrong header).',
    none: "{{target}}: libvirt has {{below}} below {{above}}, but that image's header names no backing file. QEMU and the files disagree (as after --reuse-external with a wrong header).",
  },
  /** Why Snaptree will not follow a connection URI (uriRefusal). */
  uriRefused: {
    notAUri: 'must be a libvirt URI such as qemu+ssh://host/system',
    ext: 'the ext transport runs a program named in the URI: use ssh, tls, tcp or unix',
    program: 'the parameter {{parameter}}= names a program to run: leave it out',
  },
  /** The demo workspace's domain (electron/core/libvirt/demo-domain.ts); the demo's images are made all the same. */
  demoDomain: {
    failed: 'The demo images are made, but not their domain at {{uri}}, which the snapshot gestures need: {{detail}}',
  },
} as const;
