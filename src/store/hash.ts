/** Content hash of a publish payload: sha256 over JSON with sorted keys (key order never matters). */
import { createHash } from 'node:crypto';
import { numberArrayJson } from './json-text.ts';

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return numberArrayJson(v) ?? `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function contentHash(v: unknown): string {
  return `sha256:${createHash('sha256').update(stableStringify(v)).digest('hex')}`;
}
