/**
 * What qemu-img says of a whole chain, for the plans' byte counts: the layers' allocated
 * sizes are only an estimate of what a copy or a merge writes (clusters a layer rewrote are
 * counted once per layer, compressed clusters grow, zeros are skipped, a merge writes only
 * where the file it writes holds nothing yet).
 * - `qemu-img measure`: what a convert of the chain to qcow2 writes.
 * - `qemu-img map`: which layer holds each range, for a commit's or a pull's new bytes.
 * Both read only the layers' mapping, and with `-U`: a running QEMU's image is read
 * without taking its lock.
 */
import type { Image } from '../../../shared/images/model.js';
import { mapArgv, parseMap, type MapExtent } from '../../../shared/qemu-img/map.js';
import { measureArgv, parseMeasure, type Measure } from '../../../shared/qemu-img/measure.js';
import type { Argv } from '../../../shared/argv.js';
import type { Host } from '../host/host.js';

/** Milliseconds of reading metadata; a file system that hangs must not hold the plan. */
const READ_TIMEOUT_MS = 10_000;

/**
 * The layers as a read saw them: a layer written since (it grew) or a header changed is
 * read again. A job's start plans again on the same layers and so runs no second process
 * in the start's path.
 */
const chainState = (chain: readonly Image[]): string => JSON.stringify(chain.map((layer) => [layer.path, layer.format, layer.virtualSize, layer.actualSize, layer.backing]));

const read = new Map<string, { readonly state: string; readonly said: unknown }>();
/**
 * A plan reads the chains it copies or merges, a few at a time: the last plans' are kept,
 * the oldest dropped first (a Map keeps its insertion order), so a program left open for
 * months holds no entry for every chain it was ever asked about.
 */
const KEPT_READS = 256;

function remember(key: string, entry: { readonly state: string; readonly said: unknown }): void {
  read.delete(key);
  read.set(key, entry);
  for (const oldest of read.keys()) {
    if (read.size <= KEPT_READS) break;
    read.delete(oldest);
  }
}

/** What `argv` says of the chain topped by `chain[0]`, parsed; null where qemu-img cannot say (the plan then counts allocated sizes). */
async function readChain<T>(host: Host, chain: readonly [Image, ...Image[]], what: string, argv: Argv, parse: (stdout: string) => T, largeOutput = false): Promise<T | null> {
  const [top] = chain;
  if (top.format === 'unknown') return null;
  const key = `${what}\0${host.name}\0${top.path}`;
  const state = chainState(chain);
  const known = read.get(key);
  if (known?.state === state) return known.said as T;
  try {
    const { stdout } = await host.run({ argv, timeoutMs: READ_TIMEOUT_MS, largeOutput });
    const said = parse(stdout);
    remember(key, { state, said });
    return said;
  } catch {
    return null;
  }
}

/** The bytes a convert of the chain (at its internal snapshot) to qcow2 writes. */
export function measureChain(host: Host, qemuImg: string, chain: readonly [Image, ...Image[]], snapshot?: string): Promise<Measure | null> {
  const [top] = chain;
  return readChain(host, chain, `measure\0${snapshot ?? ''}`, measureArgv(qemuImg, top.path, top.format, 'qcow2', snapshot), parseMeasure);
}

/** Which layer of the chain holds each range (depth 0: the top). */
export function mapChain(host: Host, qemuImg: string, chain: readonly [Image, ...Image[]]): Promise<readonly MapExtent[] | null> {
  const [top] = chain;
  // A map of a large, fragmented chain runs to megabytes.
  return readChain(host, chain, 'map', mapArgv(qemuImg, top.path, top.format), parseMap, true);
}
