/**
 * A restore step (shared/plans/plan.ts, RestoreStep): a system checkpoint's guest back from
 * its saved memory, on the new overlays the steps before made (reference 6.1).
 */
import { editDomainXml } from '../../../shared/libvirt/domain-xml.js';
import type { RestoreStep } from '../../../shared/plans/plan.js';
import { restoreArgv, saveImageDumpxmlArgv } from '../../../shared/virsh/revert.js';
import type { Host } from '../host/host.js';
import { Refusal } from '../refusal.js';

/**
 * The XML saved with the memory names the disks the guest had then (the snapshot's state
 * files): restored as it is, the guest would write into them under the old branch. It is
 * read when the step runs, its disks set on the new overlays, and passed to `virsh restore`
 * through its stdin: it holds the domain's secrets (`--security-info`), so never a file.
 */
export async function runRestoreStep(host: Host, step: RestoreStep, signal: AbortSignal): Promise<void> {
  const target = { virsh: step.virsh, uri: step.domain.uri };
  const { stdout } = await host.run({ argv: saveImageDumpxmlArgv(target, step.memoryFile), signal });
  const edited = editDomainXml(stdout, step.domain, { kind: 'switch-disks', disks: step.disks });
  if ('refused' in edited) throw new Refusal(edited.refused);
  await host.run({ argv: restoreArgv(target, step.memoryFile, '/dev/stdin', step.then), input: edited.xml, signal });
}
