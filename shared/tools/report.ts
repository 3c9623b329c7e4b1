import { z } from 'zod';

/** One command-line tool on the host: where it is, which version, or why it is missing. */
export const ToolStatus = z.object({
  name: z.string(),
  path: z.string().nullable(),
  version: z.string().nullable(),
  /** The Debian/Ubuntu package that provides the tool, shown when it is missing. */
  package: z.string(),
  error: z.string().nullable(),
});
export type ToolStatus = z.infer<typeof ToolStatus>;

/** Whether a libvirt daemon answers at a URI, and what it can do. */
export const DaemonStatus = z.object({
  uri: z.string(),
  reachable: z.boolean(),
  libvirtVersion: z.string().nullable(),
  hypervisor: z.string().nullable(),
  hypervisorVersion: z.string().nullable(),
  /** libvirt >= 9.9 reports `<externalSnapshot/>`: it can revert external snapshots itself. */
  externalSnapshotRevert: z.boolean().nullable(),
  /** libvirt's own error text when the daemon does not answer. */
  error: z.string().nullable(),
  /** The package that provides the daemon, shown when it does not answer. */
  package: z.string(),
});
export type DaemonStatus = z.infer<typeof DaemonStatus>;

export const ToolsReport = z.object({
  host: z.string(),
  checkedAt: z.string(),
  qemuImg: ToolStatus,
  virsh: ToolStatus,
  daemon: DaemonStatus,
});
export type ToolsReport = z.infer<typeof ToolsReport>;
