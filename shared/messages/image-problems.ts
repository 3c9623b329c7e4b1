/**
 * The sentences of the disk forest's problems, in English (keys under `problems:image.`).
 * One key per sentence: a code with several sentences nests them under its name. A
 * `$t(problems:image.fileKind.{{kind}})` takes a word of this catalogue chosen by a value,
 * as i18next nests it in the window (say() does the same for `message`).
 */
export const imageProblems = {
  /** What a path leads to when it is no image file, as `kind` values name it. */
  fileKind: {
    folder: 'a folder',
    fifo: 'a FIFO (named pipe)',
    socket: 'a socket',
    characterDevice: 'a character device',
    other: 'not a regular file',
  },
  /**
   * Why the system refused a path, as `errno` values name it (errnoValues in electron/core/images/read.ts):
   * "permission denied (EACCES)". Any other code is `other`, with the bare code as `code`.
   */
  errno: {
    EACCES: 'permission denied (EACCES)',
    EPERM: 'operation not permitted (EPERM)',
    ENOENT: 'no such file or folder (ENOENT)',
    ENOTDIR: 'a part of the path is a file, not a folder (ENOTDIR)',
    EISDIR: 'it is a folder (EISDIR)',
    ELOOP: 'the path runs through too many symbolic links (ELOOP)',
    ENAMETOOLONG: 'the path is too long (ENAMETOOLONG)',
    EIO: 'an input/output error (EIO)',
    other: '{{code}}',
  },
  /** The qcow2 structures a file may end inside, as `structure` values name them. */
  structure: {
    header: 'header',
    headerExtensions: 'header extensions',
    backingFileName: 'backing file name',
    refcountTable: 'refcount table',
    l1Table: 'L1 table',
  },
  truncated: {
    empty: 'The file is empty (0 bytes): it holds no image.',
    structure:
      'The file ends at {{fileSize}} bytes, before the end of its $t(problems:image.structure.{{structure}}) ({{end}}): it was cut short, or its header points past its end. QEMU reads the missing part as zeros; data may be lost.',
    snapshotTable: 'The file ends at {{fileSize}} bytes, inside its internal snapshot table ({{start}} to {{end}}): it was cut short, or its header points past its end.',
  },
  /** `reason`: QEMU's own words, as it says them. */
  invalidHeader: 'QEMU refuses to open this image: "{{reason}}".',
  missingDataFile: {
    unnamed: 'The header says the guest data lives in an external data file, but names none: QEMU cannot run this image ({{reason}}).',
    rawWithoutFile: 'The header marks a raw external data file, but the image has no data file: QEMU cannot run this image ({{reason}}).',
    gone: 'The external data file "{{path}}" does not exist: the guest data is gone or was moved.',
    unreachable: 'The external data file "{{path}}" cannot be reached: $t(problems:image.errno.{{errno}}).',
    notAFile: 'The external data file "{{path}}" is $t(problems:image.fileKind.{{kind}}), not a file: the guest data is not there.',
  },
  unknownFormat: 'The name says {{claimed}}, but the file has no {{claimed}} header: QEMU would open it as {{format}}.',
  inexactBackingName:
    'qemu-img reports the backing name as "{{name}}": the name holds bytes that are not UTF-8, which qemu-img replaces with U+FFFD (\ufffd), so Snaptree cannot tell which file it is and does not follow it. QEMU itself opens the name\'s exact bytes. To see the chain here, give the backing file a UTF-8 name and rebase this image onto it (qemu-img rebase -u).',
  protocolBacking:
    'The backing "{{name}}" is a QEMU protocol string ({{protocol}}:…), not a file name: QEMU opens it over the network or as a JSON description; Snaptree does not follow such backings.',
  missingBacking: {
    gone: 'The backing file "{{name}}" ({{path}}) does not exist: this image cannot be opened until it is back or the image is rebased.',
    badJson: 'QEMU cannot parse the JSON of the backing name "{{name}}" (it refuses a key named twice, among others), and cannot open this image.',
    unknownProtocol: 'QEMU reads the backing name "{{name}}" as a protocol "{{protocol}}:", which it does not know, and cannot open this image. Fix: qemu-img rebase -u -b ./{{name}} (a "./" makes it a file name), with its format.',
    unreachable: 'The backing file "{{name}}" ({{path}}) cannot be reached: $t(problems:image.errno.{{errno}}). This image cannot be opened until the path leads to it or the image is rebased.',
  },
  backingNotAFile:
    'The backing file "{{name}}" ({{path}}) is $t(problems:image.fileKind.{{kind}}), not an image file: this image cannot be opened until the path leads to its backing image or the image is rebased.',
  backingAmbiguous: {
    image: 'This file is also reached as {{alias}}, and QEMU joins the backing name "{{name}}" to the folder of the path it opens it by: by that path the backing file is {{other}}. Which chain a guest sees depends on the path it was given; Snaptree will not change either.',
    backing: 'This is the backing file of the image shown as {{shown}} when it is opened as {{alias}}: Snaptree will not change it while that image has two chains.',
  },
  backingLoop: {
    self: 'This image names itself as its backing file: QEMU cannot open it.',
    chain: 'The backing chain loops back to this image ({{chain}}): QEMU cannot open it.',
  },
  noBackingFormat: {
    unknown: "The header does not record the backing file's format, so QEMU must guess it; guessing is unsafe and newer QEMU refuses.",
    known: "The header does not record the backing file's format, so QEMU must guess it ({{format}}); guessing is unsafe and newer QEMU refuses. Fix: qemu-img rebase -u -b <same name> -F {{format}}.",
  },
  backingFormatMismatch: 'The header says the backing file is {{recorded}}, but {{file}} reads as {{format}}: QEMU opens it as {{recorded}} for this image, so the guest sees other content than {{file}} holds as {{format}}. One of the two is wrong (a raw disk whose guest wrote an image header into it reads as that image), and Snaptree cannot tell which.',
  corrupt: 'The corrupt bit is set: QEMU found an inconsistency and opens the image read-only. Check it with qemu-img check, repair with -r all.',
  dirty: 'The dirty bit is set: the image was not closed cleanly (lazy refcounts). QEMU repairs it at the next read-write open.',
  encrypted: 'The image is encrypted: reading or changing its data needs its passphrase.',
  /** `errno`: the system's code (errnoValues), `detail`: qemu-img's own words. */
  unreadable: {
    denied: 'Snaptree may not read this file: $t(problems:image.errno.{{errno}}). Check its permissions.',
    failed: 'The file could not be read: $t(problems:image.errno.{{errno}}).',
    changed: 'The file changed while it was read: its header could not be read whole.',
    nameNotUtf8:
      "qemu-img cannot be given this file's name: it holds bytes that are not UTF-8 (shown as \\xNN), and Snaptree starts qemu-img through Node.js, which passes arguments only as UTF-8 text: qemu-img would be given another name. Rename the file to see its details.",
    qemuImg: 'qemu-img could not read it: {{detail}}',
    otherFormat: 'QEMU opens this file as {{format}}, a format Snaptree does not read: it is not raw, and no plan acts on it.',
  },
  badExtent: {
    gone: 'The vmdk extent "{{name}}" ({{path}}) does not exist: the image\'s data is not there.',
    notAFile:
      'The vmdk extent "{{name}}" ({{path}}) is $t(problems:image.fileKind.{{kind}}), not a file: the image\'s data is not there, and qemu-img is not asked about it (it would wait on it).',
    unreachable: 'The vmdk extent "{{name}}" ({{path}}) cannot be reached: $t(problems:image.errno.{{errno}}).',
  },
  /** A watched path that could not be scanned (the forest's `errors`). */
  watchedPath: {
    gone: 'This path does not exist.',
    unreachable: 'This path cannot be read: $t(problems:image.errno.{{errno}}).',
    notAFolder: 'This path is $t(problems:image.fileKind.{{kind}}), not a folder or an image file.',
    folderUnreadable: 'This folder cannot be read: $t(problems:image.errno.{{errno}}). Its images are not shown.',
    scanFailed: 'The scan failed: {{reason}}',
  },
  /** Entries of a watched folder that are not shown (the forest's `skipped`), as `reason` says them. */
  skipped: {
    notAFile: '$t(problems:image.fileKind.{{kind}}), not an image file',
    linkNotAFile: 'a symbolic link to $t(problems:image.fileKind.{{kind}}), not an image file',
    danglingLink: 'a dangling symbolic link: its target does not exist',
    linkLoop: 'a symbolic link loop: the links lead back to each other (ELOOP)',
    linkUnreachable: 'a symbolic link whose target cannot be reached: $t(problems:image.errno.{{errno}})',
    folderAgain: 'a folder already scanned as {{first}} (a link loop or a second way to it)',
    /** `problem`: the key of the unreadable file's problem, said with its values. */
    unreadable: 'cannot be read, and its name does not say disk image: $t(problems:{{problem}})',
  },
  orphanOverlay: 'No domain uses this overlay and no image is built on it: it may be left over from an old snapshot or clone.',
} as const;
