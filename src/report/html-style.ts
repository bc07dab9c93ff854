/** The report's inline stylesheet: readable on a phone (fluid layout, scrolling tables, scaled charts). */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0.2em 0 0.4em; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2em 0 0.4em; }
p, li { overflow-wrap: anywhere; }
nav { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 0.9rem; margin: 0.5em 0 1em; }
a { color: #0969da; }
.lead { color: var(--muted); }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5em 0 1em; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); position: sticky; top: 0; white-space: nowrap; }
td { min-width: 3em; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fff5f5; }
tr.below-floor td { background: #fff5f5; font-weight: 600; }
figure { margin: 1em 0 1.5em; }
figure .chart { overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 0.3em; }
.note { background: var(--soft); border-left: 4px solid var(--line); padding: 8px 12px; border-radius: 4px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.v-supported { background: #dafbe1; color: #116329; }
.v-partly { background: #fff8c5; color: #7d4e00; }
.v-not-supported { background: #ffebe9; color: #a40e26; }
.v-not-established { background: #eaeef2; color: #424a53; }
.v-not-testable { background: #f6f8fa; color: #57606a; border: 1px solid var(--line); }
.ctx { color: var(--muted); }
.status-bad { color: #a40e26; font-weight: 600; }
details.claim { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
details.claim summary { cursor: pointer; }
ul.warnings li { margin-bottom: 0.5em; }
code { background: var(--soft); padding: 0 4px; border-radius: 4px; font-size: 0.9em; overflow-wrap: anywhere; }
.banner { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
.synthetic { background: #fff8c5; color: #7d4e00; border-radius: 4px; padding: 0 4px; font-weight: 600; white-space: nowrap; }
.device { font-size: 1.05rem; }
.assumptions { font-size: 0.85rem; color: var(--muted); }
details.section { border-top: 1px solid var(--line); padding: 2px 0; }
details.section > summary { cursor: pointer; list-style-position: outside; margin-left: 1.2em; }
details.section > summary h2 { display: inline; border: 0; font-size: 1.1rem; margin: 0; padding: 0; }
details.mismatches summary { cursor: pointer; color: var(--muted); }
/* references: filtered by category with radio buttons, no script */
.ref-filter > input { margin-left: 10px; }
.ref-filter > label { font-size: 0.85rem; margin-left: 2px; }
${['asic', 'cloud-gpu', 'edge', 'energy', 'price'].map((k) => `#rf-${k}:checked ~ .table-wrap tbody tr:not(.cat-${k}) { display: none; }`).join('\n')}
@media (max-width: 640px) {
  main { padding: 10px; }
  /* charts keep their natural size and scroll sideways instead of shrinking to unreadable text */
  figure .chart svg { max-width: none; }
  body { font-size: 14px; }
  h1 { font-size: 1.3rem; }
  th, td { padding: 4px 6px; }
  /* the answer table: one card per row, each value with its label */
  table.answer thead { display: none; }
  table.answer tr { display: block; border-bottom: 2px solid var(--line); padding: 4px 0; }
  table.answer td { display: block; border: 0; padding: 1px 6px; text-align: left; white-space: normal; }
  table.answer td::before { content: attr(data-label) ': '; color: var(--muted); font-size: 0.8rem; }
  table.answer td:empty { display: none; }
}
`;
