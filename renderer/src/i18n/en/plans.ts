/**
 * The plan dialog and the gestures that open it (image actions, "Take snapshot…"), in
 * English. What a plan says itself (title, steps, blockers) comes from the core by key
 * (the `problems` namespace); these are the window's own labels around it. `<cmd>` marks a
 * command, shown as code.
 */
export const plans = {
  dialog: {
    planning: 'Planning…',
    replanned: 'The disks changed since this plan was made: here is the new one. Nothing has run yet.',
    blockers: 'Why this cannot run',
    instead: 'What you can do instead:',
    warnings: 'Warnings',
    steps_one: 'What it will do ({{count, number}} step)',
    steps_other: 'What it will do ({{count, number}} steps)',
    copy: 'Copy',
    copied: 'Copied',
    creates: 'New files',
    changes: 'Files changed',
    unused: 'Files no longer used (moved to the trash, restorable)',
    bytes: 'Data to write',
    freed: 'Space freed',
    noBytes: 'next to nothing',
    lost: 'Snapshots whose state is lost',
    cancel: 'If you cancel while it runs',
    blockedNote: 'Blocked: nothing will run.',
    close: 'Close',
    run: 'Run',
  },
  gesture: {
    close: 'Cancel',
    showPlan: 'Show the plan…',
    nameTaken: 'A snapshot named "{{name}}" already exists.',
    pathNotAbsolute: 'Give the whole path, starting with /.',
    snapshot: {
      button: 'Internal snapshot…',
      explain: 'Saves the image as it is now inside the file itself (<cmd>qemu-img snapshot -c</cmd>). Not while a running domain writes to it.',
      name: 'Snapshot name',
    },
    overlay: {
      button: 'New overlay…',
      explain: 'A new, empty qcow2 file that records changes on top of this image, which then must stay unchanged: a branch.',
      path: 'New overlay file',
      clone: 'Also define a linked-clone domain on it',
      cloneOf: 'Clone of',
      cloneName: 'Name of the clone of {{domain}}',
    },
    convert: {
      button: 'Convert to qcow2…',
      explain: 'Copies the guest-visible contents of this {{format}} image into a new qcow2 file. The original stays where it is.',
      explainDomain:
        'Copies the guest-visible contents of this {{format}} image into a new qcow2 file, switches the domain\'s disk to it, and moves the original to the trash. The domain must be shut off.',
      path: 'New qcow2 file',
    },
    check: {
      button: 'Check…',
      explain: 'Looks for corruption and leaked clusters (<cmd>qemu-img check</cmd>). Checking alone changes nothing.',
      chain: 'Check the whole backing chain',
      repair: 'Repair',
      repairNone: 'no, only check',
      repairLeaks: 'leaked clusters (safe)',
      repairAll: 'everything (can lose data of corrupted clusters)',
    },
  },
  check: {
    heading: 'Checked {{date, datetime(dateStyle: medium; timeStyle: short)}}:',
    unreadable: 'qemu-img printed no result that could be read.',
    clean: 'no errors found.',
    repaired: 'repaired: {{leaks, number}} leaked and {{corruptions, number}} corrupted clusters; no errors left.',
    findings: '{{corruptions, number}} corrupted clusters, {{leaks, number}} leaked clusters, {{errors, number}} errors while checking.',
  },
  snapshot: {
    open: 'Take snapshot…',
    title: 'Take a snapshot of {{domain}}',
    name: 'Name',
    description: 'Description (optional)',
    kind: 'Kind',
    kinds: {
      internal: 'Internal',
      'disk-only': 'External, disks only',
      memory: 'System checkpoint',
    },
    kindExplain: {
      internal: 'saved inside each qcow2 disk, with memory when the domain runs.',
      'disk-only': 'a new overlay file per disk becomes the active layer; the current files stay as they are.',
      memory: 'new overlay files for the disks, plus a file with the memory.',
    },
    overlayFor: 'New overlay for {{target}}',
    memoryFile: 'Memory file',
    live: 'Live: the guest keeps running while its memory is saved',
    quiesce: 'Quiesce: freeze the guest\'s file systems first (needs the guest agent)',
  },
} as const;
