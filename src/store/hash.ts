/** Content hash of a publish payload: sha256 over JSON with sorted keys (key order never matters). */
import { createHash } from 'node:crypto';
import { numberArrayJson } from './json-text.ts';

/** Keys recur in every row of a payload: quoted once each (bounded: payload keys are a few hundred). */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED = 10_000;

function quoted(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < MAX_QUOTED) quotedKeys.set(k, q);
  }
  return q;
}

/**
 * The text is fixed (stores hold hashes of it; test/store-json-text.test.ts checks it against the
 * plain printer): objects with their defined keys in code-unit order, arrays element by element
 * (one JSON leaves out, e.g. undefined, prints as nothing), anything else as JSON.stringify prints it. Written as
 * one loop per level because printing it was a third of preparing a run.
 */
export function stableStringify(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) {
    const cached = numberArrayJson(v);
    if (cached !== undefined) return cached;
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i) s += ',';
      const t = stableStringify(v[i]) as string | undefined;
      if (t !== undefined) s += t;
    }
    return `${s}]`;
  }
  const o = v as Record<string, unknown>;
  let s = '{';
  let first = true;
  for (const k of Object.keys(o).sort()) {
    const x = o[k];
    if (x === undefined) continue;
    s += `${first ? '' : ','}${quoted(k)}:${stableStringify(x)}`;
    first = false;
  }
  return `${s}}`;
}

export function contentHash(v: unknown): string {
  return `sha256:${createHash('sha256').update(stableStringify(v)).digest('hex')}`;
}
