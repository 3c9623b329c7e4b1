/**
 * The job runner's sentences in English (keys under `problems:jobs.`): why a job waits or
 * failed, what it left behind, the state of a file after an interruption, recovery.
 */
export const jobProblems = {
  waiting: 'Waits for job {{job}}, which holds {{what}}',
  refused: {
    blocked: 'This plan has blockers, so it never runs: its blockers say what to do instead.',
    unknownJob: 'No job {{job}} is recorded.',
    restoreOccupied: 'Not restored: something now stands at {{path}}. Move it away first; nothing was moved back.',
    nothingTrashed: 'Job {{job}} has nothing in the trash.',
  },
  step: {
    exists: 'Not run: {{path}} already exists, and a job never writes over a file.',
    exitCode: '{{program}} failed with exit code {{exitCode}}: {{detail}}',
    signal: '{{program}} was ended by {{signal}}.',
    cancelled: 'Cancelled.',
    failed: 'The step failed: {{detail}}',
    trashFailed: '{{path}} could not be moved to the trash ({{code}}): {{detail}}',
    domainRuns: '{{domain}} is {{state}} now: its disk is not switched while its QEMU writes into the old file. Shut it off and plan the change again.',
    purgeRefused: 'Refused to delete {{folder}}: only a job\'s folder inside .snaptree-trash is ever deleted.',
  },
  left: {
    failedAt: 'Step {{step}} of {{total}} failed; the steps before it are done.',
    cancelledAt: 'Cancelled during step {{step}} of {{total}}; the steps before it are done.',
    cancelledAfter: 'Cancelled after step {{step}} of {{total}}, which had to finish: the steps after it did not run.',
    cancelledWaiting: 'Cancelled before it started: nothing ran.',
    changedWhileWaiting: 'Not started: while it waited for another job, what its plan stands on changed. Nothing ran; plan it again to see what it would do now.',
    optionalFailed: 'Step {{step}} failed; it is optional, so the job went on without it.',
    partialTrashed: 'The half-made file {{path}} was moved to the trash ({{trashed}}).',
    partialKept: 'The half-made file {{path}} is still there: it could not be moved to the trash ({{code}}).',
    notRun: 'Step {{step}} of {{total}} was not run.',
    defineFailed: '{{domain}} was not defined again: libvirt defines all or nothing, so it keeps its old XML and the files it names (`virsh dumpxml --inactive` shows it).',
    notMarked: 'The record of {{snapshot}} of {{domain}} is kept but not marked as folded away: libvirt would revert to a state that is gone. Delete it: snaptree run delete {{domain}} {{snapshot}} --metadata-only.',
    restoreFailed: '{{domain}} was not restored from {{path}}: it is shut off, already defined on the new overlays (a start boots it afresh on the new branch). Try `virsh restore` again, or start it; the old branch is untouched.',
    madeUnused: '{{path}} was made whole for {{domain}} and is kept where it is, used by no domain yet: switch the disk to it yourself, or move it away before the change is planned again (a plan never writes over a file).',
    libvirtLost: 'libvirt stopped while it worked on this step, and may have finished it as it shut down: look with `virsh snapshot-list` and `virsh domblklist` once it answers again. {{paths}} are left as libvirt leaves them: move them away only once no domain uses them.',
    libvirtKept: 'libvirt was making {{path}}, and it is left where it is: if the snapshot was taken after all, the domain now writes into it (see `virsh domblklist`). Move it away only once no domain uses it.',
  },
  interrupted: {
    running: 'The program stopped (a crash or a kill) during step {{step}} of {{total}}.',
    between: 'The program stopped (a crash or a kill) after step {{step}} of {{total}}, before the next one started.',
    waiting: 'The program stopped while the job waited: nothing ran.',
  },
  recovery: {
    halfMade: 'To undo step {{step}}: move {{path}}, which it was making, to the trash; then plan the change again to finish it.',
    libvirtMade: 'Step {{step}} was libvirt making {{path}}: the domain may already write into it (see `virsh domblklist`), so move it away only once no domain uses it; then plan the change again.',
    rest: 'Steps {{from}} to {{total}} did not run: plan the change again to finish it.',
    trashed: 'Step {{step}} was done: {{path}} is in the trash. Steps {{from}} to {{total}} did not run: plan the change again to finish it.',
    allDone: 'Every step was done (step {{step}} moved {{path}} to the trash): nothing is left to finish.',
    inPart: 'Step {{step}} may have written into its files in part: check them (their states are above, `qemu-img check` says more) before the change is planned again.',
    define: 'Step {{step}} was defining {{domain}} again: virsh define is all or nothing, so its XML (`virsh dumpxml --inactive`) is either the old or the new one; look before the change is planned again.',
    purge: 'Step {{step}} was deleting {{folder}}: part of it may be gone. Empty the trash again to delete the rest.',
    restore: 'Step {{step}} was restoring {{domain}} from {{path}}: it either runs from that memory or is still shut off (`virsh domstate`); look before the revert is planned again.',
    mark: 'Step {{step}} was marking the record of {{snapshot}} of {{domain}} as folded away: the folds before it are done. If `virsh snapshot-dumpxml` shows no mark in its description, delete the record (snaptree run delete {{domain}} {{snapshot}} --metadata-only): it names a state that is gone.',
  },
  journalUnreadable: 'The job record {{file}} could not be read and is kept as it is: {{detail}}',
} as const;
