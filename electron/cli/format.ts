import type { DaemonStatus, ToolStatus, ToolsReport } from '../../shared/tools/report.js';

function toolLine(tool: ToolStatus): string {
  if (tool.error !== null) return `${tool.name.padEnd(10)} ✗ ${tool.error}`;
  return `${tool.name.padEnd(10)} ✓ ${tool.version ?? '?'}  ${tool.path ?? ''}`;
}

function daemonLines(daemon: DaemonStatus): string[] {
  if (!daemon.reachable) return [`${'libvirtd'.padEnd(10)} ✗ ${daemon.uri}: ${daemon.error ?? 'no answer'}`];
  const revert = daemon.externalSnapshotRevert
    ? 'reverts external snapshots itself'
    : 'cannot revert external snapshots itself (before libvirt 9.9); Snaptree does it the safe manual way';
  return [
    `${'libvirtd'.padEnd(10)} ✓ libvirt ${daemon.libvirtVersion ?? '?'}, ${daemon.hypervisor ?? 'hypervisor'} ${daemon.hypervisorVersion ?? '?'} at ${daemon.uri}`,
    `${''.padEnd(12)}${revert}`,
  ];
}

/** The tools check as a person reads it in a terminal. */
export function formatToolsReport(report: ToolsReport): string {
  return [`Tools on ${report.host}:`, toolLine(report.qemuImg), toolLine(report.virsh), ...daemonLines(report.daemon), ''].join('\n');
}
