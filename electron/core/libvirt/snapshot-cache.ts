import type { ParsedSnapshot } from '../../../shared/libvirt/parse.js';

/**
 * Snapshot XML already read, by domain UUID and snapshot name. Reading one costs a
 * libvirt call that formats two whole domain definitions (about a millisecond each on
 * a small host), so a refresh reads only snapshots it has not seen. A snapshot's own
 * fields change only when a snapshot of its domain is deleted (children are re-parented:
 * the names no longer match, which drops the domain's entries) or edited (`snapshot-edit`
 * rewrites the metadata file, whose watch drops them; for a remote URI there is no
 * such watch, and an edit shows after the next full read of a new window).
 */
export class SnapshotCache {
  private readonly byDomain = new Map<string, { name: string; snapshots: Map<string, ParsedSnapshot> }>();

  get(uuid: string, name: string): ParsedSnapshot | undefined {
    return this.byDomain.get(uuid)?.snapshots.get(name);
  }

  set(uuid: string, domainName: string, snapshot: ParsedSnapshot): void {
    const entry = this.byDomain.get(uuid) ?? { name: domainName, snapshots: new Map() };
    entry.snapshots.set(snapshot.name, snapshot);
    this.byDomain.set(uuid, entry);
  }

  /** Of these domains, keeps the entries of those none of whose snapshots disappeared. */
  retain(domains: ReadonlyArray<{ uuid: string; names: readonly string[] }>): void {
    for (const domain of domains) {
      const names = new Set(domain.names);
      const entry = this.byDomain.get(domain.uuid);
      if (entry && [...entry.snapshots.keys()].some((name) => !names.has(name))) this.byDomain.delete(domain.uuid);
    }
  }

  /** Forgets the domains that are no longer defined. */
  forgetAllBut(uuids: readonly string[]): void {
    const present = new Set(uuids);
    for (const uuid of this.byDomain.keys()) if (!present.has(uuid)) this.byDomain.delete(uuid);
  }

  /** The metadata of a domain with this name changed on disk (an edit): read its snapshots again. */
  forgetDomainNamed(name: string): void {
    for (const [uuid, entry] of this.byDomain) if (entry.name === name) this.byDomain.delete(uuid);
  }
}
