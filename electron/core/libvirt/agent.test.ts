import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Linked } from '../../../shared/libvirt/link.js';
import { Intent } from '../../../shared/plans/intent.js';
import type { HostCommand } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { agentAnswers, answeringAgents, pingAnswered } from './agent.js';
import { testDomains, URI, type TestDomains } from './domains.test-support.js';
import { inventoryConnection } from './inventory.js';

const VIRSH = '/usr/bin/virsh';
let domains: TestDomains;
let view: Linked;
const asked: string[][] = [];
/** The real host, noting each command it runs. */
class NotingHost extends LocalHost {
  override run(command: HostCommand) {
    asked.push([...command.argv]);
    return super.run(command);
  }
}
const local = new LocalHost();
const host = new NotingHost();
const pings = () => asked.filter((argv) => argv.includes('qemu-agent-command'));
const uuidOf = (name: string) => view.connections[0]!.domains.find((domain) => domain.name === name)!.uuid;
const snapshotOf = (domain: string, quiesce = true) => Intent.parse({ kind: 'snapshot', uri: URI, domain, name: 'quiet', snapshot: 'disk-only', quiesce });

let withChannel: string;
let withoutChannel: string;
let shutOff: string;

beforeAll(async () => {
  domains = testDomains();
  withChannel = domains.define('agent-channel', { start: true, agentChannel: true }).name;
  withoutChannel = domains.define('no-channel', { start: true }).name;
  shutOff = domains.define('off', { agentChannel: true }).name;
  view = { images: [], connections: [await inventoryConnection(local, VIRSH, URI)] };
});
afterAll(() => domains.remove());

describe('whether a guest agent answers, for --quiesce', () => {
  it("reads the agent's answer to guest-ping, and nothing else, as an answer", () => {
    expect(pingAnswered('{"return":{}}\n\n')).toBe(true);
    expect(pingAnswered('')).toBe(false);
    expect(pingAnswered('{"error":{"class":"CommandNotFound","desc":"no guest-ping"}}')).toBe(false);
    expect(pingAnswered('error: Guest agent is not responding: QEMU guest agent is not connected')).toBe(false);
  });

  it('says no for running test domains with no agent, with or without its channel, and asks each once', async () => {
    for (const name of [withChannel, withoutChannel]) {
      asked.length = 0;
      expect(await agentAnswers(host, { virsh: VIRSH, uri: URI }, uuidOf(name)), name).toBe(false);
      expect(await answeringAgents(host, VIRSH, view, snapshotOf(name)), name).toEqual(new Set());
      expect(pings(), name).toHaveLength(2);
      expect(pings()[1]).toEqual([VIRSH, '-c', URI, 'qemu-agent-command', '--domain', uuidOf(name), '--timeout', '2', '--cmd', '{"execute":"guest-ping"}']);
    }
  });

  it('asks no guest that is shut off, none for a snapshot that does not quiesce, and nothing for an intent that is no snapshot', async () => {
    asked.length = 0;
    expect(await answeringAgents(host, VIRSH, view, snapshotOf(withChannel, false))).toEqual(new Set());
    expect(await answeringAgents(host, VIRSH, view, snapshotOf(shutOff))).toEqual(new Set());
    expect(await answeringAgents(host, VIRSH, view, Intent.parse({ kind: 'check', image: '/srv/vm/a.qcow2' }))).toEqual(new Set());
    expect(await answeringAgents(host, null, view, snapshotOf(withChannel))).toEqual(new Set());
    expect(pings()).toEqual([]);
  });
});
