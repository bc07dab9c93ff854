/** Formatting and escaping shared by the report renderers (no statistics here). */

/** Deterministic number formatting: ≥ 1000 no decimals with thousands separators, else 3–4 significant digits. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return Number(x.toPrecision(3)).toString();
}

export interface CiLike {
  median: number;
  ci95: { lo: number; hi: number };
}

/** "median [lo–hi]" (95 % bootstrap CI of the median), or "n/a". */
export function metricText(m: CiLike | null | undefined): string {
  if (!m) return 'n/a';
  if (m.ci95.lo === m.ci95.hi) return num(m.median);
  return `${num(m.median)} [${num(m.ci95.lo)}–${num(m.ci95.hi)}]`;
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

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/** Only http(s) links become hrefs; anything else (javascript:, data:) is dropped. */
export function safeUrl(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

/** Escape text for a GitHub Markdown table cell (markup characters, HTML, pipes, newlines). */
export function escapeMd(s: string): string {
  return s
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** Like escapeMd, but `backtick spans` in the text stay code spans (commands in hints). */
export function escapeMdKeepCode(s: string): string {
  return s
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `\`${part.replace(/\r?\n/g, ' ')}\`` : escapeMd(part)))
    .join('');
}

export function mdLink(text: string, url: string): string {
  const safe = safeUrl(url);
  if (!safe) return escapeMd(text);
  return `[${escapeMd(text)}](${safe.replace(/[()\s<>]/g, (c) => encodeURIComponent(c))})`;
}

export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
