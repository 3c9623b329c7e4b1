import { existsSync } from 'node:fs';
import { errorMessage } from '../../../shared/format.js';
import { say } from '../../../shared/messages/problems.js';
import { Refusal } from '../refusal.js';
import { changesInventory, parseEventLine } from '../../../shared/libvirt/events.js';
import type { Connection } from '../../../shared/libvirt/model.js';
import type { Host, LongRunning } from '../host/host.js';
import { domainXmlParsed, inventoryConnection, refreshDomains, unreachable, type DomainXmlParsed } from './inventory.js';
import { VirshSession } from './session.js';
import { SnapshotCache } from './snapshot-cache.js';
import { snapshotMetadataRoot } from './snapshot-files.js';
import { watchSnapshotMetadata, type SnapshotWatch } from './snapshot-watch.js';

/** Events come in bursts (a snapshot pauses, saves, resumes): one refresh per burst. */
const SETTLE_MS = 150;
/** A listener that ended is started again after this, doubled while it keeps ending at once. */
const RESTART_MS = 2000;
const RESTART_MAX_MS = 30_000;
/** A listener that ran this long was healthy: the next restart waits RESTART_MS again. */
const HEALTHY_MS = 10_000;

interface Watched {
  connection: Connection | null;
  readonly cache: SnapshotCache;
  readonly domainXml: DomainXmlParsed;
  listener: LongRunning | null;
  metadata: SnapshotWatch | null;
  /** The virsh shell that reads a few domains after an event or before a job; made with the first such read. */
  session: VirshSession | null;
  /** The read after a burst of events. */
  timer: NodeJS.Timeout | null;
  /** The listener's next start. */
  restart: NodeJS.Timeout | null;
  /** The read under way: true when each of its rounds read libvirt, false when one kept the last view for a failure. */
  refreshing: Promise<boolean> | null;
  /** What the next read covers: the domains events named, or everything. */
  pending: Set<string> | 'all';
  /** How long the next restart of the listener waits. */
  restartMs: number;
  stopped: boolean;
}

/**
 * The libvirt connections Snaptree shows, kept live: one `virsh event --all --loop`
 * per connection (restarted when it dies) and a watch on the snapshot metadata.
 * One connection failing never holds up the others. A daemon that does not answer yet
 * (started after Snaptree, or restarting) is tried again whenever its listener ends:
 * the listener cannot connect either, so it ends at once.
 */
export class LibvirtConnections {
  private readonly watched = new Map<string, Watched>();
  private virsh: Promise<string | null> | null = null;

  constructor(
    private readonly host: Host,
    private readonly onChange: () => void,
  ) {}

  /** The connections in the order given; one still being read the first time is unreachable with no error yet. */
  current(): Connection[] {
    return [...this.watched].map(([uri, entry]) => entry.connection ?? unreachable(uri, null));
  }

  /**
   * Reads these domains again now, whatever events said: a job starts only on a plan made
   * from what libvirt says at that moment, not from an event that may still be coming.
   */
  async refreshDomainsNow(domains: readonly { readonly uri: string; readonly name: string }[]): Promise<void> {
    const reads: Promise<boolean>[] = [];
    for (const [uri, entry] of this.watched) {
      const names = domains.filter((domain) => domain.uri === uri).map((domain) => domain.name);
      if (names.length === 0) continue;
      for (const name of names) this.want(entry, name);
      // A read under way takes what is wanted meanwhile into one more round before it settles.
      reads.push(this.refresh(uri, entry).then((read) => read || Promise.reject(new Refusal(say('jobs.refused.unread', { uri, domains: names.join(', ') })))));
    }
    await Promise.all(reads);
  }

  /** Follows exactly these URIs; resolves when each has been read once (callers need not wait). */
  async follow(uris: readonly string[]): Promise<void> {
    for (const [uri, entry] of this.watched) {
      if (!uris.includes(uri)) this.stop(uri, entry);
    }
    const reads: Promise<boolean>[] = [];
    for (const uri of uris) {
      if (this.watched.has(uri)) continue;
      const entry: Watched = { connection: null, cache: new SnapshotCache(), domainXml: domainXmlParsed(), listener: null, metadata: null, session: null, timer: null, restart: null, refreshing: null, pending: 'all', restartMs: RESTART_MS, stopped: false };
      this.watched.set(uri, entry);
      // Listening first: an event during the first read is then not lost.
      reads.push(this.listen(uri, entry).then(() => this.refresh(uri, entry)));
    }
    await Promise.all(reads);
  }

  close(): void {
    for (const [uri, entry] of this.watched) this.stop(uri, entry);
  }

  private stop(uri: string, entry: Watched): void {
    entry.stopped = true;
    entry.listener?.stop();
    entry.metadata?.close();
    entry.session?.close();
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.restart) clearTimeout(entry.restart);
    this.watched.delete(uri);
  }

  private async virshPath(): Promise<string | null> {
    this.virsh ??= this.host.findProgram('virsh');
    return this.virsh;
  }

  /** Asks for a read of some domains (by name) or of everything. */
  private want(entry: Watched, domain: string | null): void {
    if (domain === null || entry.pending === 'all') entry.pending = 'all';
    else entry.pending.add(domain);
  }

  /**
   * Reads what is pending: the domains events named, or the whole connection. Changes
   * during a read cause one more read after it.
   */
  private refresh(uri: string, entry: Watched): Promise<boolean> {
    if (entry.refreshing) return entry.refreshing;
    if (entry.stopped) return Promise.resolve(false);
    entry.refreshing = (async () => {
      let failed = false;
      let changed = false;
      while (entry.pending === 'all' || entry.pending.size > 0) {
        const pending = entry.pending;
        entry.pending = new Set();
        const virsh = await this.virshPath();
        const previous = entry.connection;
        let connection: Connection;
        try {
          connection =
            virsh === null
              ? unreachable(uri, say('tools.notInstalled', { name: 'virsh', package: 'libvirt-clients' }))
              : pending !== 'all' && previous?.reachable
                ? await refreshDomains(this.host, virsh, previous, [...pending], { cache: entry.cache, domainXml: entry.domainXml, session: this.sessionOf(uri, entry, virsh) })
                : await inventoryConnection(this.host, virsh, uri, { cache: entry.cache, domainXml: entry.domainXml });
        } catch (error) {
          // A command of a partial read failed midway (timed out): keep what was shown,
          // and read everything again a little later. (A full read never throws: it
          // reports the connection unreachable, with the reason.)
          connection = previous?.reachable ? previous : unreachable(uri, errorMessage(error));
          failed = true;
        }
        if (entry.stopped) return false;
        changed ||= connection !== previous;
        entry.connection = connection;
      }
      if (failed) this.soon(uri, entry, null, RESTART_MS);
      // A read that found what was there (a job's re-read before its start, an event that
      // changed nothing shown) tells no one: the window would fetch and draw it all again.
      if (changed) this.onChange();
      return !failed;
    })().finally(() => {
      entry.refreshing = null;
    });
    return entry.refreshing;
  }

  /** The connection's virsh shell, made with its first small read; none for a connection no longer followed. */
  private sessionOf(uri: string, entry: Watched, virsh: string): VirshSession | undefined {
    if (entry.stopped) return undefined;
    return (entry.session ??= new VirshSession(this.host, virsh, uri));
  }

  private soon(uri: string, entry: Watched, domain: string | null, delay = SETTLE_MS): void {
    this.want(entry, domain);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      void this.refresh(uri, entry);
    }, delay);
  }

  private async listen(uri: string, entry: Watched): Promise<void> {
    const virsh = await this.virshPath();
    if (virsh === null || entry.stopped) return;
    const startedAt = Date.now();
    entry.listener = this.host.follow([virsh, '-c', uri, 'event', '--all', '--loop', '--timestamp'], (line) => {
      const event = parseEventLine(line);
      if (event && changesInventory(event)) this.soon(uri, entry, event.domain);
    });
    void entry.listener.ended.then(() => {
      if (entry.stopped) return;
      // The listener ended (the daemon restarted, or never answered): listen again,
      // then read everything it may have missed.
      const delay = Date.now() - startedAt > HEALTHY_MS ? RESTART_MS : entry.restartMs;
      entry.restartMs = Math.min(delay * 2, RESTART_MAX_MS);
      entry.restart = setTimeout(() => {
        entry.restart = null;
        if (entry.stopped) return;
        this.want(entry, null);
        void this.listen(uri, entry).then(() => this.refresh(uri, entry));
      }, delay);
    });

    // A disk-only snapshot raises no domain event at all: its metadata file is watched.
    const root = snapshotMetadataRoot(uri);
    if (root !== null && existsSync(root) && entry.metadata === null) {
      entry.metadata = watchSnapshotMetadata(root, (domain) => {
        // An edit rewrites a snapshot's file: what was read of that domain's snapshots is old.
        if (domain) entry.cache.forgetDomainNamed(domain);
        this.soon(uri, entry, domain);
      });
    }
  }
}
