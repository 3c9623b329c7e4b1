/**
 * The terms the window teaches where they appear (see Term.tsx): each a name and one
 * sentence. `tooltip` lays out the explanation; Chinese adds the English name, the word
 * users meet in virsh and QEMU's documentation.
 */
export const terms = {
  tooltip: '<name>{{name}}</name>: {{explanation}}',
  overlay: {
    name: 'overlay',
    explanation: 'a qcow2 image that records only the changes made on top of its backing file; untouched data is read from the image below.',
  },
  backingFile: {
    name: 'backing file',
    explanation: 'the read-only image an overlay is built on; it must not change while an overlay uses it.',
  },
  activeLayer: {
    name: 'active layer',
    explanation: 'the top image of a virtual machine’s chain, the one QEMU writes to; every image below it is read-only.',
  },
  blockcommit: {
    name: 'blockcommit',
    explanation: 'merges the changes of an overlay down into the image below it (virsh blockcommit), which shortens the chain.',
  },
  pull: {
    name: 'pull',
    explanation: 'copies the data of the backing files up into the overlay (virsh blockpull), so that it no longer needs them.',
  },
  internal: {
    name: 'internal snapshot',
    explanation: 'a snapshot kept inside the qcow2 file itself, beside the current data; no new file is made.',
  },
  external: {
    name: 'external snapshot',
    explanation: 'a snapshot that freezes the current image as a backing file and puts a new overlay on top of it to take the writes.',
  },
  checkpoint: {
    name: 'system checkpoint',
    explanation: 'a snapshot of a virtual machine with its memory as well as its disks: reverting to it resumes the machine where it was.',
  },
} as const;
