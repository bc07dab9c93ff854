/** Reading a figure's value, whatever its published shape (number, range string, price mapping). */
import type { Figure, FigureValue } from './schema.ts';

export interface NumericValue {
  /** the number to compare with: the value itself, or the middle of a range */
  value: number;
  lo: number;
  hi: number;
  isRange: boolean;
}

/** Numeric view of a value; null for {input, output} price mappings (use priceValue). */
export function numericValue(v: FigureValue): NumericValue | null {
  if (typeof v === 'number') return { value: v, lo: v, hi: v, isRange: false };
  if (typeof v === 'string') {
    const [lo, hi] = v.split('-').map(Number) as [number, number];
    return { value: (lo + hi) / 2, lo, hi, isRange: true };
  }
  return null;
}

export function priceValue(v: FigureValue): { input: number; output: number } | null {
  return typeof v === 'object' ? v : null;
}

/** Human-readable value with unit, e.g. '3-4 J/token', 'input 0.05 / output 0.1 USD per 1M tokens'. */
export function formatFigureValue(f: Pick<Figure, 'value' | 'unit'>): string {
  const v = f.value;
  if (typeof v === 'object')
    return `input ${v.input} / output ${v.output}${v.cached_input !== undefined ? ` / cached input ${v.cached_input}` : ''} ${f.unit}`;
  return `${typeof v === 'number' ? formatNumber(v) : v} ${f.unit}`;
}

/** Compact, deterministic number formatting (3 significant digits, no exponent for normal sizes). */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  const p = Number(x.toPrecision(digits));
  return String(p);
}
