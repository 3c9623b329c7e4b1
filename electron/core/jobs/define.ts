/**
 * A define step: the domain's persistent XML read when the step runs, changed only as the
 * plan's edit says, and defined again (shared/plans/plan.ts, DefineStep).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editDomainXml } from '../../../shared/libvirt/domain-xml.js';
import type { DefineStep } from '../../../shared/plans/plan.js';
import { defineArgv, dumpxmlInactiveArgv } from '../../../shared/virsh/define.js';
import type { Host } from '../host/host.js';
import { Refusal } from '../refusal.js';

/**
 * Reads the XML now, not at planning time: libvirt fills in defaults (addresses, machine
 * type) when it defines, and the plan must not define a stale copy over them. The XML holds
 * the domain's secrets (`--security-info`), so it is written for this user alone (a folder
 * of 0700, a file of 0600) and removed as soon as virsh has read it, whatever happened.
 */
export async function runDefineStep(host: Host, step: DefineStep, signal: AbortSignal): Promise<void> {
  const target = { virsh: step.virsh, uri: step.domain.uri };
  const { stdout } = await host.run({ argv: dumpxmlInactiveArgv(target, step.domain.name), signal });
  const edited = editDomainXml(stdout, step.domain, step.edit);
  if ('refused' in edited) throw new Refusal(edited.refused);
  const folder = await mkdtemp(join(tmpdir(), 'snaptree-define-'));
  try {
    const file = join(folder, 'domain.xml');
    await writeFile(file, edited.xml, { mode: 0o600, flag: 'wx' });
    await host.run({ argv: defineArgv(target, file), signal });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
