/**
 * The publish path's JSON printing (src/store/json-text.ts) is a speed-up only: its text must be
 * exactly JSON.stringify's, and the content hash exactly what the plain sorted-key printer gave
 * (stores already hold those hashes; a different one would turn a re-publish into a conflict).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash, stableStringify } from '../src/store/hash.ts';
import { dataJson, numberArrayJson } from '../src/store/json-text.ts';

/** The printer the hashes were defined with (before the cache). */
function reference(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const numbers = fc.array(fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e21, 5e-324)), { minLength: 0, maxLength: 60 });
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue(),
    numbers,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), fc.option(tie('value'), { nil: undefined }), { maxKeys: 5 }),
  ),
})).value;

describe('store JSON text', () => {
  it('dataJson prints exactly what JSON.stringify prints, cached arrays included', () => {
    fc.assert(
      fc.property(data, (v) => {
        expect(dataJson(v)).toBe(JSON.stringify(v) ?? 'null');
        expect(dataJson(v)).toBe(JSON.stringify(v) ?? 'null'); // second time from the cache
      }),
      { numRuns: 300 },
    );
  });

  it('the content hash is unchanged: sorted-key text as before, with and without cached arrays', () => {
    fc.assert(
      fc.property(data, (v) => {
        expect(stableStringify(v)).toBe(reference(v));
        dataJson(v);
        expect(stableStringify(v)).toBe(reference(v));
      }),
      { numRuns: 300 },
    );
    // a payload-shaped value: its hash is sha256 over the pre-cache printer's text
    const v = { b: Array.from({ length: 20 }, (_, i) => i / 3), a: { y: [1, 'x'], x: null } };
    expect(contentHash(v)).toBe(`sha256:${createHash('sha256').update(reference(v)).digest('hex')}`);
    expect(stableStringify(v).startsWith('{"a":{"x":null,"y":[1,"x"]},"b":[0,0.3333333333333333,')).toBe(true);
  });

  it('only long all-number arrays are cached', () => {
    expect(numberArrayJson([1, 2, 3])).toBeUndefined();
    expect(numberArrayJson([...Array.from({ length: 20 }, () => 1), 'x'])).toBeUndefined();
    expect(numberArrayJson(Array.from({ length: 20 }, () => NaN))).toBe(JSON.stringify(Array.from({ length: 20 }, () => null)));
  });
});
