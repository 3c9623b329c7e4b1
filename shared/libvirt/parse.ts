/**
 * Parsers for virsh output (libvirt 9.0, LC_ALL=C). Pure: text in, fields out; each is
 * fed captured real output in parse.test.ts.
 */
import { XMLParser } from 'fast-xml-parser';
import type { DomainDisk, SnapshotDisk } from './model.js';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Elements that may repeat are always arrays, so one disk and two disks read alike.
  isArray: (name) => name === 'disk' || name === 'graphics' || name === 'video',
  parseTagValue: false,
  parseAttributeValue: false,
  // Names are kept exactly: libvirt accepts a snapshot named " padded ".
  trimValues: false,
});

const attr = (node: unknown, name: string): string | null => {
  const value = (node as XmlNode | undefined)?.[`@${name}`];
  return typeof value === 'string' ? value : null;
};
const child = (node: unknown, name: string): XmlNode | undefined => {
  const value = (node as XmlNode | undefined)?.[name];
  return typeof value === 'object' && value !== null ? (value as XmlNode) : undefined;
};
const text = (node: unknown, name: string): string | null => {
  const value = (node as XmlNode | undefined)?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as XmlNode)['#text'] === 'string') return (value as XmlNode)['#text'] as string;
  return null;
};

/** A domain UUID as libvirt prints it (lower-case hex in five groups). */
export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text);
}

/** `list --all --uuid`: one UUID per line, then a blank line. */
export function parseUuidList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(isUuid);
}

/** `domstate D --reason`: `running (booted)`, `shut off (destroyed)`, `paused (from snapshot)`. */
export function parseStateReason(stdout: string): { state: string; reason: string | null } | null {
  const match = /^(.+?)(?: \((.+)\))?\s*$/.exec(stdout.trim());
  return match ? { state: match[1]!, reason: match[2] ?? null } : null;
}

/** `snapshot-list D --name` or `snapshot-current D --name`: one name per line; names may hold spaces. */
export function parseNameList(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.length > 0);
}

/**
 * The file or block device a `<source>` names. A network disk's `name` (`pool/image`)
 * and a pool volume are no path on this machine: null, as for an empty cdrom.
 */
function sourcePath(source: XmlNode | undefined): string | null {
  return attr(source, 'file') ?? attr(source, 'dev');
}

/** The `<backingStore>` chain under a disk: each level's source, until the empty element. */
function backingChain(disk: XmlNode): string[] {
  const chain: string[] = [];
  let level = child(disk, 'backingStore');
  for (let depth = 0; level !== undefined && depth < 10_000; depth++) {
    const path = sourcePath(child(level, 'source'));
    if (path === null) break;
    chain.push(path);
    level = child(level, 'backingStore');
  }
  return chain;
}

/** The `index`th `<disk>` element exactly as libvirt wrote it, for the inspector. */
function diskXml(raw: string, index: number): string {
  const disks = raw.match(/<disk[\s>][\s\S]*?<\/disk>/g) ?? [];
  return disks[index] ?? '';
}

/**
 * Whether the domain has a screen `virsh screenshot` can take: a video device other
 * than `<model type='none'/>` (QEMU's screendump answers "There is no console to take
 * a screendump from" there), or, where the XML lists no video, a `<graphics>` element
 * (libvirt adds a video device for it when it starts the domain).
 */
function hasDisplay(devices: XmlNode | undefined): boolean {
  const videos = (devices?.video ?? []) as XmlNode[];
  if (videos.length > 0) return videos.some((video) => attr(child(video, 'model'), 'type') !== 'none');
  return ((devices?.graphics ?? []) as XmlNode[]).length > 0;
}

/**
 * A domain from `dumpxml`: its name, UUID, disks and whether it has a display; live XML for a running domain (with
 * the whole `<backingStore>` chain QEMU has open), persistent XML when shut off. Null
 * when it is no domain XML (virsh failed: the domain is gone).
 */
export function parseDomainXml(xml: string): { name: string; uuid: string; display: boolean; disks: DomainDisk[] } | null {
  const domain = child(parser.parse(xml) as XmlNode, 'domain');
  const name = text(domain, 'name');
  const uuid = text(domain, 'uuid')?.trim() ?? null;
  if (name === null || uuid === null) return null;
  const devices = child(domain, 'devices');
  const disks = (devices?.disk ?? []) as XmlNode[];
  return { name, uuid, display: hasDisplay(devices), disks: disks.map((disk, index) => {
    const active = sourcePath(child(disk, 'source'));
    return {
      target: attr(child(disk, 'target'), 'dev') ?? `disk${index}`,
      device: attr(disk, 'device') ?? 'disk',
      type: attr(disk, 'type') ?? 'file',
      format: attr(child(disk, 'driver'), 'type'),
      activePath: active,
      chain: active === null ? [] : [active, ...backingChain(disk)],
      readonly: 'readonly' in disk,
      shareable: 'shareable' in disk,
      snapshot: attr(disk, 'snapshot'),
      xml: diskXml(xml, index),
    };
  }) };
}

export interface ParsedSnapshot {
  readonly name: string;
  readonly description: string | null;
  readonly parent: string | null;
  readonly state: string;
  readonly createdAt: string;
  readonly memory: 'no' | 'internal' | 'external';
  readonly memoryFile: string | null;
  readonly disks: SnapshotDisk[];
}

/**
 * A snapshot's XML carries two whole domain definitions and a cookie besides its own
 * fields; they are cut out by position before parsing, which is most of the work saved.
 */
function ownFields(xml: string): string {
  let own = xml;
  for (const element of ['domain', 'inactiveDomain', 'cookie']) {
    const start = own.search(new RegExp(`<${element}[\\s>]`));
    const endTag = `</${element}>`;
    const end = own.indexOf(endTag, start);
    if (start >= 0 && end > start) own = own.slice(0, start) + own.slice(end + endTag.length);
  }
  return own;
}

/**
 * The UUID of the domain definition saved inside a snapshot's XML: whose snapshot a
 * metadata file really is. Null when the snapshot holds no definition.
 */
export function savedDomainUuid(xml: string): string | null {
  return /<domain[\s>][\s\S]*?<uuid>([^<]+)<\/uuid>/.exec(xml)?.[1]?.trim() ?? null;
}

/**
 * `snapshot-dumpxml D S`, or libvirt's own metadata file of the snapshot (the same XML
 * under a comment): the snapshot's own fields.
 */
export function parseSnapshotXml(xml: string): ParsedSnapshot | null {
  const document = parser.parse(ownFields(xml)) as XmlNode;
  const root = child(document, 'domainsnapshot');
  const name = text(root, 'name');
  if (root === undefined || name === null) return null;
  const seconds = Number(text(root, 'creationTime') ?? 0);
  const memory = attr(child(root, 'memory'), 'snapshot');
  const disks = ((child(root, 'disks')?.disk ?? []) as XmlNode[]).map((disk): SnapshotDisk => {
    const kind = attr(disk, 'snapshot');
    return {
      target: attr(disk, 'name') ?? '',
      snapshot: kind === 'internal' || kind === 'external' || kind === 'manual' ? kind : 'no',
      file: sourcePath(child(disk, 'source')),
    };
  });
  return {
    name,
    description: text(root, 'description'),
    parent: text(child(root, 'parent'), 'name'),
    state: text(root, 'state')?.trim() ?? 'unknown',
    createdAt: new Date(seconds * 1000).toISOString(),
    memory: memory === 'internal' || memory === 'external' ? memory : 'no',
    memoryFile: attr(child(root, 'memory'), 'file'),
    disks,
  };
}
