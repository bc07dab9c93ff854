/**
 * JSON text of long arrays of numbers (per-token times, raw samples), made once per array: a
 * publish writes each of them twice — into the run's content hash and into a statement's
 * parameter — and turning ~15,000 doubles a run into text was the largest single CPU cost of
 * preparing a run. Keyed by the array itself: payload arrays are never mutated once built.
 */
const cache = new WeakMap<readonly unknown[], string>();

/** Shorter arrays are cheaper to print again than to check and cache. */
const MIN_CACHED = 16;

/** The array's JSON when every element is a number (identical to JSON.stringify), else undefined. */
export function numberArrayJson(v: readonly unknown[]): string | undefined {
  const hit = cache.get(v);
  if (hit !== undefined) return hit;
  if (v.length < MIN_CACHED) return undefined;
  for (const x of v) if (typeof x !== 'number') return undefined;
  const text = JSON.stringify(v);
  cache.set(v, text);
  return text;
}

const skipped = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol';

/** JSON.stringify for data (what JSON.parse gives, plus undefined fields), reusing numberArrayJson's text. */
export function dataJson(v: unknown): string {
  if (Array.isArray(v)) {
    const nums = numberArrayJson(v);
    if (nums !== undefined) return nums;
    let s = '[';
    for (let i = 0; i < v.length; i++) s += `${i ? ',' : ''}${skipped(v[i]) ? 'null' : dataJson(v[i])}`;
    return `${s}]`;
  }
  if (v !== null && typeof v === 'object') {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(v);
    let s = '{';
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if (skipped(x)) continue;
      s += `${first ? '' : ','}${JSON.stringify(k)}:${dataJson(x)}`;
      first = false;
    }
    return `${s}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
