/** Number formatting shared by the compare and assert renderers. */

/** About three significant digits: 1234, 123, 12.3, 1.23, 0.123. */
export function num(x: number): string {
  const a = Math.abs(x);
  if (!Number.isFinite(x)) return String(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function signedPct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} %`;
}

export function pValue(p: number): string {
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** A plain-text table with columns padded to their widest cell. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** A Markdown table; pipes inside cells are escaped. */
export function markdownTable(rows: string[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const [head, ...body] = rows;
  return [`| ${head!.map(esc).join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
