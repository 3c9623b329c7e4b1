import type { ProblemCode } from './model.js';

/** Problems that stop QEMU from opening the image, as opposed to warnings. */
export const BLOCKING: ReadonlySet<ProblemCode> = new Set([
  'missing-backing',
  'inexact-backing-name',
  'backing-not-a-file',
  'backing-loop',
  'backing-ambiguous',
  'backing-format-mismatch',
  'corrupt',
  'unreadable',
  'truncated',
  'invalid-header',
  'missing-data-file',
  'bad-extent',
]);
