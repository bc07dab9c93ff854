/** Shared by the fuzz tests: what "handled as a user error" means, checked one way everywhere. */
import { expect } from 'vitest';
import { isEdgebenchError } from '../../src/errors.ts';

/** Runs `fn`; a throw must be an EdgebenchError with a user-facing code (never INTERNAL), one line, with a hint. */
export function userErrorOrValue<T>(fn: () => T): { ok: true; value: T } | { ok: false; code: string } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!isEdgebenchError(e)) throw new Error(`not an EdgebenchError: ${String(e)}`, { cause: e });
    expect(e.code).not.toBe('INTERNAL');
    expect(e.message).not.toMatch(/\n\s+at /);
    expect(e.hint ?? '').not.toBe('');
    return { ok: false, code: e.code };
  }
}

/** Every number anywhere in `v` is finite (JSON would turn Infinity/NaN into null silently). */
export function nonFiniteAt(v: unknown, path = '$'): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} = ${v}`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = nonFiniteAt(v[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const hit = nonFiniteAt(x, `${path}.${k}`);
      if (hit) return hit;
    }
  }
  return null;
}
