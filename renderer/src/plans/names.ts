import { baseName } from '../../../shared/format';

/** `snapshot-1`, or the first `snapshot-N` not taken: a default the user may edit. */
export function nextFreeName(prefix: string, taken: readonly string[]): string {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/**
 * A new qcow2 file's default path beside `path`: its name without the extension, `suffix`,
 * `.qcow2`; then `-2`, `-3` … while one of `existing` stands there (the planner refuses an
 * existing file in any case: this only spares the user a refusal).
 */
export function besideFree(path: string, suffix: string, existing: readonly string[]): string {
  const folder = path.slice(0, path.length - baseName(path).length);
  const stem = baseName(path).replace(/\.[^.]*$/, '') || baseName(path);
  for (let n = 1; ; n++) {
    const candidate = `${folder}${stem}${suffix}${n === 1 ? '' : `-${n}`}.qcow2`;
    if (candidate !== path && !existing.includes(candidate)) return candidate;
  }
}
