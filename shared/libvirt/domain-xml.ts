/**
 * The edits a define step makes to a domain's persistent XML (`virsh dumpxml --inactive`),
 * pure: XML in, XML out, or a refusal with a sentence. Everything the edit does not name is
 * written back as libvirt wrote it: fast-xml-parser's ordered tree keeps every element,
 * attribute, text and whitespace node in place (tested on captured dumps; only the quote
 * style becomes `"`, and a raw CR reads as LF, as in any XML parser, libvirt's too).
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { say, type Said } from '../messages/problems.js';
import type { DomainEdit } from '../plans/plan.js';

/** One node of fast-xml-parser's ordered tree: `{ tag: children, ':@': attributes }`, or `{ '#text': text }`. */
type XmlNode = Record<string, unknown>;
type Attributes = Record<string, string>;

const ATTRIBUTES = ':@';

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  // Whitespace and names are kept exactly: a description may begin with spaces.
  trimValues: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  // `&#10;` read as the character it stands for, not written back as `&amp;#10;`.
  htmlEntities: true,
  processEntities: true,
} as const;

const parser = new XMLParser(OPTIONS);
const builder = new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true });

export type DomainXmlEdit = { readonly xml: string } | { readonly refused: Said };

/** The domain the plan was made for: the XML must still be this one's. */
export interface DomainIdentity {
  readonly uuid: string;
  readonly name: string;
}

function tagOf(node: XmlNode): string | null {
  return Object.keys(node).find((key) => key !== ATTRIBUTES && !key.startsWith('#')) ?? null;
}

function childrenOf(node: XmlNode): XmlNode[] {
  const tag = tagOf(node);
  return tag === null ? [] : (node[tag] as XmlNode[]);
}

function attributesOf(node: XmlNode): Attributes {
  return (node[ATTRIBUTES] ??= {}) as Attributes;
}

function elements(nodes: readonly XmlNode[], tag: string): XmlNode[] {
  return nodes.filter((node) => tagOf(node) === tag);
}

function first(nodes: readonly XmlNode[], tag: string): XmlNode | undefined {
  return elements(nodes, tag)[0];
}

/** All the text directly inside an element. */
function textOf(node: XmlNode | undefined): string {
  return node === undefined ? '' : childrenOf(node).map((child) => (typeof child['#text'] === 'string' ? child['#text'] : '')).join('');
}

function element(tag: string, attributes: Attributes, children: XmlNode[] = []): XmlNode {
  return { [tag]: children, [ATTRIBUTES]: attributes };
}

/** Removes the elements with the tag, each with the indentation before it, so no blank line is left. */
function removeAll(nodes: XmlNode[], tag: string): void {
  for (let at = nodes.length - 1; at >= 0; at--) {
    if (tagOf(nodes[at]!) !== tag) continue;
    const before = nodes[at - 1]?.['#text'];
    const indentation = typeof before === 'string' && before.trim() === '';
    nodes.splice(indentation ? at - 1 : at, indentation ? 2 : 1);
    if (indentation) at--;
  }
}

function diskTarget(disk: XmlNode): string | null {
  return attributesOf(first(childrenOf(disk), 'target') ?? {})['@dev'] ?? null;
}

function diskSource(disk: XmlNode): string | null {
  const source = first(childrenOf(disk), 'source');
  if (source === undefined) return null;
  const attributes = attributesOf(source);
  return attributes['@file'] ?? attributes['@dev'] ?? attributes['@volume'] ?? attributes['@name'] ?? null;
}

/**
 * The disk reads `path` in `format` from now on: a file source, the driver's type, and no
 * `<backingStore>` (libvirt reads the new chain from the headers when it starts the domain).
 * A file source keeps its other attributes (`startupPolicy`) and children (`<seclabel>`);
 * a block, volume or network source is replaced, since its attributes name another kind.
 */
function pointDiskAt(disk: XmlNode, path: string, format: string): void {
  const children = childrenOf(disk);
  const wasFile = (attributesOf(disk)['@type'] ?? 'file') === 'file';
  attributesOf(disk)['@type'] = 'file';
  const driver = first(children, 'driver');
  if (driver === undefined) children.unshift(element('driver', { '@name': 'qemu', '@type': format }));
  else attributesOf(driver)['@type'] = format;
  const source = first(children, 'source');
  if (source !== undefined && wasFile) attributesOf(source)['@file'] = path;
  else if (source !== undefined) children.splice(children.indexOf(source), 1, element('source', { '@file': path }));
  else children.splice(children.indexOf(first(children, 'driver')!) + 1, 0, element('source', { '@file': path }));
  removeAll(children, 'backingStore');
}

function findDisk(devices: readonly XmlNode[], target: string): XmlNode | undefined {
  return elements(devices, 'disk').find((disk) => diskTarget(disk) === target);
}

/**
 * What a linked clone cannot share with its source, said before anything is defined: the
 * UEFI variables file (`<nvram>` names one path for both), a TPM (its state is kept per
 * UUID, so the clone would start with an empty one and secrets sealed to it would not
 * open), and a writable disk that is not cloned (both guests would write into it).
 */
function cloneRefusal(root: XmlNode, devices: readonly XmlNode[], domain: string, disks: Readonly<Record<string, string>>): Said | null {
  for (const target of Object.keys(disks)) if (findDisk(devices, target) === undefined) return say('define.noDisk', { domain, target });
  const nvram = first(childrenOf(first(childrenOf(root), 'os') ?? {}), 'nvram');
  if (nvram !== undefined) return say('define.clone.nvram', { domain, file: textOf(nvram).trim() });
  if (first(devices, 'tpm') !== undefined) return say('define.clone.tpm', { domain });
  for (const disk of elements(devices, 'disk')) {
    const target = diskTarget(disk);
    const source = diskSource(disk);
    const device = attributesOf(disk)['@device'] ?? 'disk';
    const writable = (device === 'disk' || device === 'lun') && first(childrenOf(disk), 'readonly') === undefined && first(childrenOf(disk), 'shareable') === undefined;
    if (writable && source !== null && target !== null && !(target in disks)) return say('define.clone.sharedDisk', { domain, target, file: source });
  }
  return null;
}

/**
 * `edit` applied to the domain's persistent XML. `clone`: the new name, no `<uuid>` and no
 * `<mac address>` (libvirt makes new ones), each named disk on its new file (qcow2).
 * `switch-disk`: that disk on the new file in its format; `switch-disks`: each named disk on
 * its new qcow2 overlay, all or none. Refused when the XML is no longer
 * the planned domain's (another domain took the name since) or the edit cannot be made.
 */
export function editDomainXml(xml: string, domain: DomainIdentity, edit: DomainEdit): DomainXmlEdit {
  const tree = parser.parse(xml) as XmlNode[];
  const root = first(tree, 'domain');
  const uuid = textOf(first(childrenOf(root ?? {}), 'uuid')).trim();
  if (root === undefined || uuid !== domain.uuid) return { refused: say('define.otherDomain', { domain: domain.name, uuid: domain.uuid, found: uuid }) };
  const top = childrenOf(root);
  const devices = childrenOf(first(top, 'devices') ?? {});
  if (edit.kind === 'clone') {
    const refused = cloneRefusal(root, devices, domain.name, edit.disks);
    if (refused !== null) return { refused };
    first(top, 'name')!.name = [{ '#text': edit.name }];
    removeAll(top, 'uuid');
    for (const nic of elements(devices, 'interface')) removeAll(childrenOf(nic), 'mac');
    for (const [target, path] of Object.entries(edit.disks)) pointDiskAt(findDisk(devices, target)!, path, 'qcow2');
  } else {
    const moves = edit.kind === 'switch-disk' ? [{ target: edit.target, path: edit.path, format: edit.format }] : Object.entries(edit.disks).map(([target, path]) => ({ target, path, format: 'qcow2' }));
    const missing = moves.find((move) => findDisk(devices, move.target) === undefined);
    if (missing !== undefined) return { refused: say('define.noDisk', { domain: domain.name, target: missing.target }) };
    for (const move of moves) pointDiskAt(findDisk(devices, move.target)!, move.path, move.format);
  }
  return { xml: `${builder.build(tree) as string}\n` };
}

/**
 * The domain definition a snapshot saved (`virsh snapshot-dumpxml`), as a `<domain>` XML of
 * its own: its `<inactiveDomain>` (the persistent definition, kept by a snapshot of a running
 * domain) if it has one, else its `<domain>`. Refused when the snapshot saved none.
 */
export function snapshotDomainXml(xml: string, domain: DomainIdentity, snapshot: string): DomainXmlEdit {
  const tree = parser.parse(xml) as XmlNode[];
  const children = childrenOf(first(tree, 'domainsnapshot') ?? {});
  const saved = first(children, 'inactiveDomain') ?? first(children, 'domain');
  if (saved === undefined) return { refused: say('define.noSavedDomain', { domain: domain.name, snapshot }) };
  return { xml: `${builder.build([{ domain: childrenOf(saved), [ATTRIBUTES]: attributesOf(saved) }]) as string}\n` };
}
