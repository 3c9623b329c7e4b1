/**
 * A mark step (shared/plans/plan.ts, MarkStep): a snapshot whose state a merge folded away
 * keeps its record, marked as such in its description.
 */
import { markFolded } from '../../../shared/libvirt/folded.js';
import type { MarkStep } from '../../../shared/plans/plan.js';
import { snapshotDumpxmlArgv } from '../../../shared/virsh/revert.js';
import { snapshotRedefineArgv } from '../../../shared/virsh/snapshot-redefine.js';
import type { Host } from '../host/host.js';

/** Read when the step runs, as a define is: the XML holds the domain's secrets, so it goes through virsh's stdin, never a file. */
export async function runMarkStep(host: Host, step: MarkStep, signal: AbortSignal): Promise<void> {
  const target = { virsh: step.virsh, uri: step.domain.uri };
  const { stdout } = await host.run({ argv: snapshotDumpxmlArgv(target, step.domain.name, step.snapshot), signal });
  await host.run({ argv: snapshotRedefineArgv(target, step.domain.name, '/dev/stdin'), input: markFolded(stdout), signal });
}
