/**
 * What a copy of an image's whole chain takes, as qemu-img itself counts it (`qemu-img
 * measure`), for the convert plan's bytes and its free-space warning. The layers' allocated
 * sizes are only an estimate of that: clusters a layer rewrote are counted once per layer,
 * compressed clusters grow, zeros are skipped.
 */
import type { Image } from '../../../shared/images/model.js';
import { measureArgv, parseMeasure, type Measure } from '../../../shared/qemu-img/measure.js';
import type { Host } from '../host/host.js';

/** A measure reads only the layers' mapping, milliseconds; a file system that hangs must not hold the plan. */
const MEASURE_TIMEOUT_MS = 10_000;

/**
 * The layers as a measure saw them: a layer written since (it grew) or a header changed is
 * measured again. A job's start plans again on the same layers and so runs no second
 * process in the start's path.
 */
const chainState = (chain: readonly Image[]): string => JSON.stringify(chain.map((layer) => [layer.path, layer.format, layer.virtualSize, layer.actualSize, layer.backing]));

const measured = new Map<string, { readonly state: string; readonly measure: Measure }>();
/**
 * A plan measures the chains it copies, a few at a time: the last plans' are kept, the
 * oldest dropped first (a Map keeps its insertion order), so a program left open for
 * months holds no entry for every chain it was ever asked about.
 */
const KEPT_MEASURES = 256;

function remember(key: string, entry: { readonly state: string; readonly measure: Measure }): void {
  measured.delete(key);
  measured.set(key, entry);
  for (const oldest of measured.keys()) {
    if (measured.size <= KEPT_MEASURES) break;
    measured.delete(oldest);
  }
}

/**
 * The bytes a convert of the chain topped by `chain[0]` (at its internal snapshot) to qcow2 writes, or null where
 * qemu-img cannot say (the plan then counts the layers' allocated sizes). Read-only, and
 * with `-U`: a running QEMU's image is measured without taking its lock.
 */
export async function measureChain(host: Host, qemuImg: string, chain: readonly [Image, ...Image[]], snapshot?: string): Promise<Measure | null> {
  const [top] = chain;
  if (top.format === 'unknown') return null;
  const key = `${host.name}\0${top.path}\0${snapshot ?? ''}`;
  const state = chainState(chain);
  const known = measured.get(key);
  if (known?.state === state) return known.measure;
  try {
    const { stdout } = await host.run({ argv: measureArgv(qemuImg, top.path, top.format, 'qcow2', snapshot), timeoutMs: MEASURE_TIMEOUT_MS });
    const measure = parseMeasure(stdout);
    remember(key, { state, measure });
    return measure;
  } catch {
    return null;
  }
}
