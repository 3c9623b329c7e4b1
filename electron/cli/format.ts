import { memoryKind, snapshotKind, snapshotStateLabel } from '../../shared/libvirt/describe.js';
import type { Connection, Snapshot } from '../../shared/libvirt/model.js';
import type { Forest, Image } from '../../shared/images/model.js';
import { forestTree } from '../../shared/images/tree.js';
import { formatBytes, terminalText } from '../../shared/format.js';
import type { DaemonStatus, ToolStatus, ToolsReport } from '../../shared/tools/report.js';

/**
 * Lines as a terminal may print them. Every field of a line came from a file name, a
 * header, libvirt or a tool, so the whole line is escaped: a newline inside a name is
 * shown as `\n` and cannot fake a line of its own.
 */
function terminalLines(lines: readonly string[]): string {
  return lines.map((line) => `${terminalText(line)}\n`).join('');
}

function toolLine(tool: ToolStatus): string {
  if (tool.error !== null) return `${tool.name.padEnd(10)} ✗ ${tool.error}`;
  return `${tool.name.padEnd(10)} ✓ ${tool.version ?? '?'}  ${tool.path ?? ''}`;
}

function daemonLines(daemon: DaemonStatus): string[] {
  if (!daemon.reachable) return [`${'libvirtd'.padEnd(10)} ✗ ${daemon.uri}: ${daemon.error ?? 'no answer'}`];
  const revert = daemon.externalSnapshotRevert
    ? 'reverts external snapshots itself'
    : 'cannot revert external snapshots itself (before libvirt 9.9)';
  return [
    `${'libvirtd'.padEnd(10)} ✓ libvirt ${daemon.libvirtVersion ?? '?'}, ${daemon.hypervisor ?? 'hypervisor'} ${daemon.hypervisorVersion ?? '?'} at ${daemon.uri}`,
    `${''.padEnd(12)}${revert}`,
  ];
}

/** The tools check as a person reads it in a terminal. */
export function formatToolsReport(report: ToolsReport): string {
  return terminalLines([`Tools on ${report.host}:`, toolLine(report.qemuImg), toolLine(report.virsh), ...daemonLines(report.daemon)]);
}

function imageLine(image: Image): string {
  const facts = [image.format, `${formatBytes(image.virtualSize)} virtual`, `${formatBytes(image.actualSize)} on disk`];
  if (image.snapshots.length > 0) facts.push(`${image.snapshots.length} internal snapshot${image.snapshots.length > 1 ? 's' : ''}`);
  const problems = image.problems.map((problem) => `  ! ${problem.code}`).join('');
  return `${image.path}  (${facts.join(', ')})${problems}`;
}

/** The forest as a person reads it: each base with its overlays indented under it. */
export function formatForest(forest: Forest): string {
  const { roots, overlays } = forestTree(forest.images);
  const lines: string[] = [];
  const shown = new Set<string>();
  const draw = (image: Image, prefix: string, last: boolean, depth: number): void => {
    const missing = depth === 0 && image.backing !== null && !image.backing.exists;
    if (missing) lines.push(`${image.backing!.path}  (missing)`);
    const branch = depth === 0 && !missing ? '' : last ? '└─ ' : '├─ ';
    lines.push(prefix + branch + imageLine(image));
    if (shown.has(image.path)) return;
    shown.add(image.path);
    for (const problem of image.problems) lines.push(`${prefix}${depth === 0 && !missing ? '   ' : last ? '      ' : '│     '}${problem.message}`);
    const children = overlays.get(image.path) ?? [];
    const childPrefix = depth === 0 && !missing ? prefix : prefix + (last ? '   ' : '│  ');
    children.forEach((child, index) => draw(child, childPrefix, index === children.length - 1, depth + 1));
  };
  for (const root of roots) draw(root, '', true, 0);
  for (const error of forest.errors) lines.push(`${error.path}: ${error.message}`);
  for (const entry of forest.skipped) lines.push(`skipped ${entry.path}: ${entry.reason}`);
  if (forest.images.length === 0 && forest.errors.length === 0) lines.push('No disk images found.');
  return terminalLines(lines);
}

function snapshotLine(snapshot: Snapshot): string {
  const problems = snapshot.problems.map((problem) => `  ! ${problem.code}`).join('');
  return `${snapshot.name}  (${snapshotKind(snapshot)}, ${memoryKind(snapshot)}, ${snapshotStateLabel(snapshot)}, ${snapshot.createdAt})${snapshot.current ? '  * current' : ''}${problems}`;
}

/** Each connection's domains with their disk chains and snapshot trees, NOW under the current snapshot. */
export function formatConnections(connections: readonly Connection[]): string {
  const lines: string[] = [];
  for (const connection of connections) {
    if (!connection.reachable) {
      lines.push(`${connection.uri}: not reachable: ${connection.error ?? 'no answer'}`);
      continue;
    }
    lines.push(`${connection.uri}  (libvirt ${connection.libvirtVersion}, ${connection.hypervisor ?? 'hypervisor'} ${connection.hypervisorVersion ?? '?'})`);
    for (const domain of connection.domains) {
      lines.push(`  ${domain.name}  (${domain.state}${domain.stateReason ? `, ${domain.stateReason}` : ''})`);
      for (const disk of domain.disks) lines.push(`    ${disk.target}: ${disk.chain.join(' <- ') || '(empty)'}`);
      for (const problem of domain.problems) lines.push(`    ! ${problem.code}: ${problem.message}`);
      const children = new Map<string | null, Snapshot[]>();
      for (const snapshot of domain.snapshots) {
        const parent = domain.snapshots.some((candidate) => candidate.name === snapshot.parent) ? snapshot.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), snapshot]);
      }
      const draw = (snapshot: Snapshot, indent: string): void => {
        lines.push(`${indent}${snapshotLine(snapshot)}`);
        for (const problem of snapshot.problems) lines.push(`${indent}    ${problem.message}`);
        if (snapshot.current) lines.push(`${indent}  └─ NOW`);
        for (const child of children.get(snapshot.name) ?? []) draw(child, `${indent}  `);
      };
      for (const root of children.get(null) ?? []) draw(root, '    ');
      if (domain.snapshots.length === 0) lines.push('    no snapshots');
    }
  }
  return terminalLines(lines);
}
