/**
 * Whether a domain's guest agent answers: only then can a snapshot `--quiesce` the
 * guest's file systems. Asked with `guest-ping` for the one domain a snapshot intent
 * names, since each ask is a round trip to the guest.
 */
import type { Linked } from '../../../shared/libvirt/link.js';
import type { Intent } from '../../../shared/plans/intent.js';
import { virshArgv, type VirshTarget } from '../../../shared/virsh/connection.js';
import type { Host } from '../host/host.js';

/** Seconds virsh waits for the guest; a guest with no agent behind the channel never answers. */
const AGENT_TIMEOUT_S = 2;

/**
 * `qemu-agent-command` printed the agent's answer to `guest-ping`: `{"return":{}}`.
 * With no agent, virsh fails instead: "argument unsupported: QEMU guest agent is not
 * configured" (no channel), "Guest agent is not responding: QEMU guest agent is not
 * connected" (a channel, nothing in the guest behind it), or it times out.
 */
export function pingAnswered(stdout: string): boolean {
  try {
    const reply: unknown = JSON.parse(stdout);
    return typeof reply === 'object' && reply !== null && 'return' in reply;
  } catch {
    return false;
  }
}

/** Whether the agent of the domain (by UUID, which no name can be mistaken for) answers a ping. */
export async function agentAnswers(host: Host, target: VirshTarget, uuid: string): Promise<boolean> {
  try {
    const { stdout } = await host.run({
      argv: virshArgv(target, 'qemu-agent-command', ['--domain', uuid, '--timeout', String(AGENT_TIMEOUT_S), '--cmd', '{"execute":"guest-ping"}']),
      // virsh's own timeout covers the guest; this one a daemon that does not answer.
      timeoutMs: (AGENT_TIMEOUT_S + 3) * 1000,
    });
    return pingAnswered(stdout);
  } catch {
    return false;
  }
}

/** Whether the agent of a running domain of the view, by name, answers; false for any other. */
export async function namedAgentAnswers(host: Host, virsh: string | null, view: Linked, uri: string, name: string): Promise<boolean> {
  const domain = view.connections.find((connection) => connection.uri === uri)?.domains.find((candidate) => candidate.name === name);
  // A paused or shut-off guest runs no agent.
  if (virsh === null || domain === undefined || domain.state !== 'running') return false;
  return agentAnswers(host, { virsh, uri }, domain.uuid);
}

/** The UUIDs of running domains whose agent answers, among those the intent names: a snapshot's domain, or none. */
export async function answeringAgents(host: Host, virsh: string | null, view: Linked, intent: Intent): Promise<Set<string>> {
  // Only a snapshot that asks to quiesce needs the answer: a ping costs every other start a round trip.
  if (intent.kind !== 'snapshot' || !intent.quiesce) return new Set();
  const uuid = view.connections.find((connection) => connection.uri === intent.uri)?.domains.find((candidate) => candidate.name === intent.domain)?.uuid;
  return uuid !== undefined && (await namedAgentAnswers(host, virsh, view, intent.uri, intent.domain)) ? new Set([uuid]) : new Set();
}
