import type { Argv } from '../argv.js';
import { virshArgv, type VirshTarget } from './connection.js';

/**
 * `virsh blockpull --domain D --path vda [--base B] --wait --verbose`: the data below
 * the active layer, down to BASE (all of it without), copied up into the active layer.
 * Progress `\rBlock Pull: [ 50 %]` on stderr; stdout ends `Pull complete`.
 */
export function blockpullArgv(target: VirshTarget, domain: string, disk: string, options: { readonly base?: string } = {}): Argv {
  const base = options.base === undefined ? [] : ['--base', options.base];
  return virshArgv(target, 'blockpull', ['--domain', domain, '--path', disk, ...base, '--wait', '--verbose']);
}
