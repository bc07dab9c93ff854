/** Sizes, counts and operator tallies as the `models` commands print them. */

/** 1234567 → '1.23 MB' (decimal units, as the Hugging Face hub shows sizes). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** 134515008 → '134.5M', 1235814400 → '1.236B', 106816 → '106.8K'. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(3)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** 'MatMulNBits×15, Mul×12, …' (most frequent first). */
export function formatOpCounts(counts: Record<string, number>, max = 12): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, max).map(([op, n]) => `${op}×${n}`);
  return shown.join(', ') + (entries.length > max ? `, … (${entries.length - max} more op types)` : '');
}
