import { z } from 'zod';
import { Daemon } from '../libvirt/model.js';
import { Sentence } from '../messages/sentence.js';

/** One command-line tool on the host: where it is, which version, or why it is missing. */
export const ToolStatus = z.object({
  name: z.string(),
  path: z.string().nullable(),
  version: z.string().nullable(),
  /** The Debian/Ubuntu package that provides the tool, shown when it is missing. */
  package: z.string(),
  error: z.string().nullable(),
  /** When `error` is the core's sentence, not the tool's: its key and values, for the window. */
  errorSentence: Sentence.optional(),
});
export type ToolStatus = z.infer<typeof ToolStatus>;

/** The default daemon, with the package that provides it, shown when it does not answer. */
export const DaemonStatus = Daemon.extend({ package: z.string() });
export type DaemonStatus = z.infer<typeof DaemonStatus>;

export const ToolsReport = z.object({
  host: z.string(),
  checkedAt: z.string(),
  qemuImg: ToolStatus,
  virsh: ToolStatus,
  daemon: DaemonStatus,
});
export type ToolsReport = z.infer<typeof ToolsReport>;
