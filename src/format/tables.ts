/** Text and Markdown tables for every output. */

/** A plain-text table with columns padded to their widest cell. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A Markdown table of cells the caller has already escaped (the report escapes with escapeMd). */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A compact Markdown table (CI summaries), first row the header; pipes inside cells are escaped. */
export function markdownTable(rows: string[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const [head, ...body] = rows;
  return [
    `| ${head!.map(esc).join(' | ')} |`,
    `|${head!.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/**
 * A padded pipe table for terminals (llama-bench style): `| a | b |` rows under a dashed rule;
 * right-aligned columns get a `:` in the rule, as in Markdown.
 */
export function pipeTable(header: string[], rows: string[][], rightAlign: (col: number) => boolean = () => false): string {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((v, i) => (rightAlign(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAlign(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Columns separated by two spaces under a dashed rule; numeric-looking columns right-aligned. */
export function columnsTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[\d.,]+\s?[A-Za-z]*$|^-$/.test(r[c] ?? '')));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
