import type { CellResult } from '../results/schema.ts';
import { isEdgebenchError } from '../errors.ts';

/** An exception as an `errored` cell's error row (catalogue errors keep their code and hint). */
export function errorInfo(e: unknown): NonNullable<CellResult['error']> {
  if (isEdgebenchError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  const msg = e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e);
  return { code: 'INTERNAL', message: msg, hint: 'rerun with EDGEBENCH_DEBUG=1 and report it' };
}
