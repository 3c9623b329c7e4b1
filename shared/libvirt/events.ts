/**
 * Lines of `virsh event --all --loop --timestamp` (reference §4):
 * `2026-11-22 06:55:22.229+0000: event 'lifecycle' for domain 'demo-1': Suspended Paused`.
 * Continuation lines start with a TAB and belong to the event before them.
 */
export interface LibvirtEvent {
  readonly event: string;
  readonly domain: string;
  readonly detail: string;
}

// The name ends at the quote before ":" or the line's end: names may hold quotes too.
const EVENT_LINE = /^(?:(\S+ \S+): )?event '([\w-]+)' for domain '(.*?)'(?=:|$)(.*)$/;

export function parseEventLine(line: string): LibvirtEvent | null {
  const match = EVENT_LINE.exec(line);
  if (!match) return null;
  return { event: match[2]!, domain: match[3]!, detail: match[4]!.replace(/^:\s*/, '').trim() };
}

/** Events that say nothing new about domains, disks or snapshots. */
const NOISE = new Set(['migration-iteration', 'balloon-change', 'tunable', 'agent-lifecycle', 'rtc-change']);

export function changesInventory(event: LibvirtEvent): boolean {
  return !NOISE.has(event.event);
}
