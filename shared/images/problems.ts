import type { ProblemCode } from './model.js';

/** A short title per problem, for badges; the problem's message says the rest. */
export const PROBLEM_TITLES: Record<ProblemCode, string> = {
  'missing-backing': 'backing file missing',
  'inexact-backing-name': 'backing name not exact',
  'backing-not-a-file': 'backing is not a file',
  'protocol-backing': 'network backing not followed',
  'backing-loop': 'backing loop',
  'backing-format-mismatch': 'wrong backing format',
  'no-backing-format': 'backing format not recorded',
  corrupt: 'corrupt',
  dirty: 'dirty',
  encrypted: 'encrypted',
  unreadable: 'unreadable',
  truncated: 'truncated',
  'unknown-format': 'unknown format',
  'invalid-header': 'invalid header',
  'missing-data-file': 'data file missing',
  'bad-extent': 'vmdk extent unusable',
  'orphan-overlay': 'used by nothing',
};

/** Problems that stop QEMU from opening the image, as opposed to warnings. */
export const BLOCKING: ReadonlySet<ProblemCode> = new Set([
  'missing-backing',
  'inexact-backing-name',
  'backing-not-a-file',
  'backing-loop',
  'backing-format-mismatch',
  'corrupt',
  'unreadable',
  'truncated',
  'invalid-header',
  'missing-data-file',
  'bad-extent',
]);
