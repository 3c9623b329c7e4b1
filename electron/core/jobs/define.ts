/**
 * A define step: the domain's persistent XML (or the definition one of its snapshots saved)
 * read when the step runs, changed only as the plan's edit says, and defined again
 * (shared/plans/plan.ts, DefineStep).
 */
import { editDomainXml, snapshotDomainXml } from '../../../shared/libvirt/domain-xml.js';
import type { DefineStep } from '../../../shared/plans/plan.js';
import { defineArgv, dumpxmlInactiveArgv } from '../../../shared/virsh/define.js';
import { snapshotDumpxmlArgv } from '../../../shared/virsh/revert.js';
import type { Host } from '../host/host.js';
import { Refusal } from '../refusal.js';

/**
 * Reads the XML now, not at planning time: libvirt fills in defaults (addresses, machine
 * type) when it defines, and the plan must not define a stale copy over them. The XML holds
 * the domain's secrets (`--security-info`), so it goes to `virsh define` through its stdin,
 * never into a file: the commands are the two the plan showed.
 */
export async function runDefineStep(host: Host, step: DefineStep, signal: AbortSignal): Promise<void> {
  const target = { virsh: step.virsh, uri: step.domain.uri };
  const xml = step.snapshot === undefined ? (await host.run({ argv: dumpxmlInactiveArgv(target, step.domain.name), signal })).stdout : await savedDefinition(host, step, step.snapshot, signal);
  const edited = editDomainXml(xml, step.domain, step.edit);
  if ('refused' in edited) throw new Refusal(edited.refused);
  await host.run({ argv: defineArgv(target, '/dev/stdin'), input: edited.xml, signal });
}

/** The definition the snapshot saved when it was taken: a clone from it is the guest as it was then. */
async function savedDefinition(host: Host, step: DefineStep, snapshot: string, signal: AbortSignal): Promise<string> {
  const { stdout } = await host.run({ argv: snapshotDumpxmlArgv({ virsh: step.virsh, uri: step.domain.uri }, step.domain.name, snapshot), signal });
  const saved = snapshotDomainXml(stdout, step.domain, snapshot);
  if ('refused' in saved) throw new Refusal(saved.refused);
  return saved.xml;
}
