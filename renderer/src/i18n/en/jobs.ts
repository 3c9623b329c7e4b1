import type { JobState, StepRecord, FileState } from '../../../../shared/jobs/model';

/** The jobs drawer in English: job rows and the trash. What a job says itself comes from the core by key. */
export const jobs = {
  state: {
    waiting: 'waiting',
    running: 'running',
    done: 'done',
    failed: 'failed',
    cancelled: 'cancelled',
    interrupted: 'interrupted',
  } satisfies Record<JobState, string>,
  outcome: {
    pending: 'to do',
    running: 'running',
    done: 'done',
    failed: 'failed',
    cancelled: 'cancelled',
    skipped: 'skipped',
  } satisfies Record<StepRecord['outcome'], string>,
  fileState: {
    ok: 'opens as before',
    missing: 'missing',
    unreadable: 'unreadable',
    invalid: 'invalid',
    trashed: 'in the trash',
  } satisfies Record<FileState['state'], string>,
  row: {
    at: '{{date, datetime(timeStyle: short)}}',
    progress: 'Progress',
    speed: '{{speed}}/s',
    secondsLeft: '{{seconds, number}} s left',
    minutesLeft: '{{minutes, number}} min {{seconds}} s left',
    step: 'Step {{number, number}} of {{total, number}}:',
    interruptedAt: 'Was at step {{number, number}} of {{total, number}} when the program stopped:',
    cancel: 'Cancel',
    details: 'Steps and output',
    exitCode: '(exit code {{code}})',
    output: 'Output',
    left: 'What it left:',
    notStarted: 'Why nothing ran:',
    files: 'The files it touched, read again:',
    fileProblem: '{{state}}: {{problem}}',
  },
  trash: {
    empty: 'The trash is empty. Files a change makes unused are moved here, beside where they were, until you empty it.',
    total: '{{size}} in the trash',
    emptyTrash: 'Empty trash…',
    by: 'Put here by: {{title}}',
    byUnknown: 'Put here by job {{job}}',
    restore: 'Restore',
  },
} as const;
