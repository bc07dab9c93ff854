/**
 * Number formatting for every output. Two styles, each deterministic: `num` for reports
 * (thousands separators, "n/a" for a missing value) and `sig3` for terminal tables and CI
 * summaries (about three significant digits).
 */

/** Report style: ≥ 1000 no decimals with thousands separators, else 3–4 significant digits; n/a when missing. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return Number(x.toPrecision(3)).toString();
}

/** Terminal style, about three significant digits: 1234, 123, 12.3, 1.23, 0.123. */
export function sig3(x: number): string {
  const a = Math.abs(x);
  if (!Number.isFinite(x)) return String(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export interface CiLike {
  median: number;
  ci95: { lo: number; hi: number };
}

/** "median [lo–hi]" (95 % bootstrap CI of the median), the median alone when it has no CI, or "n/a". */
export function metricText(m: CiLike | null | undefined, fmt: (x: number) => string = num): string {
  if (!m) return 'n/a';
  if (m.ci95.lo === m.ci95.hi) return fmt(m.median);
  return `${fmt(m.median)} [${fmt(m.ci95.lo)}–${fmt(m.ci95.hi)}]`;
}

export function ratioText(r: { value: number; lo: number; hi: number }): string {
  return `${num(r.value)}× [${num(r.lo)}–${num(r.hi)}]`;
}

export function bytesText(b: number | null | undefined): string {
  if (b === null || b === undefined) return 'n/a';
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e3).toFixed(1)} kB`;
}

export function paramsText(p: number | null | undefined): string {
  if (p === null || p === undefined) return '?';
  if (p >= 1e9) return `${(p / 1e9).toFixed(2)} B`;
  if (p >= 1e6) return `${(p / 1e6).toFixed(1)} M`;
  return `${(p / 1e3).toFixed(1)} k`;
}

/** "+12.3 %" / "−4.0 %" (a true minus sign). */
export function signedPct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} %`;
}

export function pValue(p: number): string {
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}
