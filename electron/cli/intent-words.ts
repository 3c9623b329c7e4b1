/**
 * The INTENT words of `snaptree plan` and `snaptree run` (docs/cli.md) as an Intent
 * (shared/plans/intent.ts): pure, so that a table test needs no process. A word that names
 * an image is a path (absolute, or starting with `./` or `../`); any other is a libvirt
 * domain's name (libvirt allows no `/` in one).
 */
import { resolve } from 'node:path';
import type { IntentInput } from '../../shared/plans/intent.js';
import { UsageError } from './usage.js';

/** The options an intent may take, for parseArgs; none has a default, so a given one can be told from one left out. */
export const INTENT_OPTIONS = {
  description: { type: 'string' },
  'disk-only': { type: 'boolean' },
  memory: { type: 'boolean' },
  live: { type: 'boolean' },
  quiesce: { type: 'boolean' },
  file: { type: 'string', multiple: true },
  clone: { type: 'string' },
  repair: { type: 'string' },
  chain: { type: 'boolean' },
  running: { type: 'boolean' },
  paused: { type: 'boolean' },
  children: { type: 'boolean' },
  'metadata-only': { type: 'boolean' },
  into: { type: 'string' },
  base: { type: 'string' },
  'keep-metadata': { type: 'boolean' },
} as const;

type OptionName = keyof typeof INTENT_OPTIONS;
export type IntentValues = { readonly [K in OptionName]?: (typeof INTENT_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof INTENT_OPTIONS)[K]['type'] extends 'string' ? string : boolean };

export interface Where {
  /** Relative paths are resolved from here. */
  readonly cwd: string;
  /** `--connect URI`, or the default URI. */
  readonly uri: string;
}

export function isImagePath(word: string): boolean {
  return word.startsWith('/') || word.startsWith('./') || word.startsWith('../');
}

function imagePath(word: string, where: Where): string {
  if (!isImagePath(word)) throw new UsageError(`"${word}" is not an image path: name an image by its absolute path or one starting with ./`);
  return resolve(where.cwd, word);
}

/** A file to create: any path, resolved; an empty one (an unset variable) is a mistake, not a name. */
function newPath(word: string, where: Where): string {
  if (word === '') throw new UsageError('got an empty path for the new file');
  return resolve(where.cwd, word);
}

/** The words after the intent's own: exactly as many as it takes. */
function operands(kind: string, words: readonly string[], names: readonly string[]): string[] {
  if (words.length !== names.length) throw new UsageError(`${kind} takes ${names.join(' ')}, got ${words.length === 0 ? 'nothing' : words.map((word) => `"${word}"`).join(' ')}`);
  return [...words];
}

/** Refuses an option given to an intent it does not belong to: left unsaid, it would be silently ignored. */
function only(values: IntentValues, allowed: readonly OptionName[], what: string): void {
  for (const name of Object.keys(INTENT_OPTIONS) as OptionName[]) {
    if (values[name] !== undefined && !allowed.includes(name)) throw new UsageError(`--${name} does not go with ${what}`);
  }
}

/** `--file vda=/vm/a.s1.qcow2`: a disk target and its new overlay. */
function overlayFiles(files: readonly string[], where: Where): Record<string, string> {
  const byTarget: Record<string, string> = {};
  for (const file of files) {
    const at = file.indexOf('=');
    if (at <= 0 || at === file.length - 1) throw new UsageError(`--file takes DISK=PATH (vda=/vm/web.s1.qcow2), not "${file}"`);
    const target = file.slice(0, at);
    if (target in byTarget) throw new UsageError(`--file names disk ${target} twice`);
    byTarget[target] = newPath(file.slice(at + 1), where);
  }
  return byTarget;
}

function snapshotIntent(subject: string, name: string, values: IntentValues, where: Where): IntentInput {
  if (isImagePath(subject)) {
    only(values, [], 'snapshot IMAGE: an image with no domain gets an internal snapshot');
    return { kind: 'image-snapshot', image: imagePath(subject, where), name };
  }
  only(values, ['description', 'disk-only', 'memory', 'live', 'quiesce', 'file'], 'snapshot DOMAIN');
  if (values['disk-only'] && values.memory) throw new UsageError('--disk-only and --memory exclude each other: a disk-only snapshot keeps no memory');
  const snapshot = values['disk-only'] ? 'disk-only' : values.memory ? 'memory' : 'internal';
  if (values.file !== undefined && snapshot === 'internal') throw new UsageError('--file names the overlay of an external snapshot: add --disk-only or --memory');
  if (values.live && snapshot !== 'memory') throw new UsageError('--live is for a checkpoint with memory: add --memory');
  return {
    kind: 'snapshot',
    uri: where.uri,
    domain: subject,
    name,
    snapshot,
    ...(values.description === undefined ? {} : { description: values.description }),
    live: values.live ?? false,
    quiesce: values.quiesce ?? false,
    files: overlayFiles(values.file ?? [], where),
  };
}

/** `revert DOMAIN SNAPSHOT`: back as the snapshot's state was, or as chosen; `revert IMAGE SNAPSHOT`: qemu-img snapshot -a. */
function revertIntent(subject: string, snapshot: string, values: IntentValues, where: Where): IntentInput {
  if (isImagePath(subject)) {
    only(values, [], 'revert IMAGE: an image with no domain goes back to its internal snapshot');
    return { kind: 'image-revert', image: imagePath(subject, where), name: snapshot };
  }
  only(values, ['running', 'paused', 'file'], 'revert DOMAIN');
  if (values.running && values.paused) throw new UsageError('--running and --paused exclude each other');
  const state = values.running ? 'running' : values.paused ? 'paused' : undefined;
  return { kind: 'revert', uri: where.uri, domain: subject, snapshot, ...(state === undefined ? {} : { state }), files: overlayFiles(values.file ?? [], where) };
}

function deleteIntent(subject: string, snapshot: string, values: IntentValues, where: Where): IntentInput {
  if (isImagePath(subject)) {
    only(values, [], 'delete IMAGE: an image with no domain has internal snapshots only, deleted one at a time');
    return { kind: 'image-snapshot-delete', image: imagePath(subject, where), name: snapshot };
  }
  only(values, ['children', 'metadata-only'], 'delete DOMAIN');
  return { kind: 'delete', uri: where.uri, domain: subject, snapshot, children: values.children ?? false, metadataOnly: values['metadata-only'] ?? false };
}

/**
 * The intent the words name. An overlay's `--clone` names the new domain; the domain it
 * clones is the one whose disk IMAGE is, found in the inventory later (`domain` is left empty).
 */
export function intentOf(words: readonly string[], values: IntentValues, where: Where): IntentInput {
  const [kind, ...rest] = words;
  switch (kind) {
    case 'snapshot': {
      const [subject, name] = operands('snapshot', rest, ['DOMAIN|IMAGE', 'NAME']);
      return snapshotIntent(subject!, name!, values, where);
    }
    case 'overlay': {
      const [image, path] = operands('overlay', rest, ['IMAGE', 'NEW']);
      only(values, ['clone'], 'overlay');
      if (values.clone === '') throw new UsageError('--clone needs the new domain\'s name');
      const clone = values.clone === undefined ? {} : { clone: { uri: where.uri, domain: '', name: values.clone } };
      return { kind: 'overlay', image: imagePath(image!, where), path: newPath(path!, where), ...clone };
    }
    case 'convert': {
      const [image, path] = operands('convert', rest, ['IMAGE', 'NEW']);
      only(values, [], 'convert');
      return { kind: 'convert', image: imagePath(image!, where), path: newPath(path!, where) };
    }
    case 'check': {
      const [image] = operands('check', rest, ['IMAGE']);
      only(values, ['repair', 'chain'], 'check');
      const repair = values.repair;
      if (repair !== undefined && repair !== 'leaks' && repair !== 'all') throw new UsageError(`--repair takes leaks or all, not "${repair}"`);
      return { kind: 'check', image: imagePath(image!, where), chain: values.chain ?? false, ...(repair === undefined ? {} : { repair }) };
    }
    case 'revert': {
      const [subject, snapshot] = operands('revert', rest, ['DOMAIN|IMAGE', 'SNAPSHOT']);
      return revertIntent(subject!, snapshot!, values, where);
    }
    case 'clone': {
      const [domain, snapshot, name] = operands('clone', rest, ['DOMAIN', 'SNAPSHOT', 'NEW_DOMAIN']);
      if (isImagePath(domain!)) throw new UsageError(`clone takes a domain's name, not the path "${domain}": to clone from an image, use overlay IMAGE NEW --clone NAME`);
      only(values, ['file'], 'clone');
      return { kind: 'clone', uri: where.uri, domain: domain!, snapshot: snapshot!, name: name!, files: overlayFiles(values.file ?? [], where) };
    }
    case 'delete': {
      const [subject, snapshot] = operands('delete', rest, ['DOMAIN|IMAGE', 'SNAPSHOT']);
      return deleteIntent(subject!, snapshot!, values, where);
    }
    case 'commit': {
      const [image] = operands('commit', rest, ['IMAGE']);
      only(values, ['into', 'keep-metadata'], 'commit');
      return { kind: 'commit', image: imagePath(image!, where), ...(values.into === undefined ? {} : { into: imagePath(values.into, where) }), keepMetadata: values['keep-metadata'] ?? false };
    }
    case 'pull': {
      const [image] = operands('pull', rest, ['IMAGE']);
      only(values, ['base', 'keep-metadata'], 'pull');
      return { kind: 'pull', image: imagePath(image!, where), ...(values.base === undefined ? {} : { base: imagePath(values.base, where) }), keepMetadata: values['keep-metadata'] ?? false };
    }
    case undefined:
      throw new UsageError('name what to change: snapshot, overlay, convert, check, revert, clone, delete, commit or pull (see snaptree --help)');
    default:
      throw new UsageError(`Unknown intent "${kind}": it is one of snapshot, overlay, convert, check, revert, clone, delete, commit, pull`);
  }
}
