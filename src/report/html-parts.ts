/** Small HTML builders for the report; every text argument is escaped here. */
import type { Verdict } from '../claims/index.ts';
import { escapeHtml, safeUrl } from '../format/escape.ts';

/** Escaped text. */
export const t = (s: string | number | null | undefined): string => escapeHtml(s === null || s === undefined ? '' : String(s));

/** A link with escaped text; non-http(s) URLs render as plain text. */
export function link(text: string, url: string): string {
  const u = safeUrl(url);
  return u ? `<a href="${escapeHtml(u)}" rel="noopener noreferrer">${t(text)}</a>` : t(text);
}

/** Text in which `backtick spans` become <code>. */
export function withCode(s: string): string {
  return s
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${t(part)}</code>` : t(part)))
    .join('');
}

export interface Cell {
  /** already-escaped HTML */
  html: string;
  num?: boolean;
}

export const c = (html: string, num = false): Cell => ({ html, num });

export function table(header: string[], rows: Cell[][], rowClass: (i: number) => string = () => ''): string {
  const head = `<tr>${header.map((h) => `<th scope="col">${t(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r, i) => {
      const cls = rowClass(i);
      return `<tr${cls ? ` class="${cls}"` : ''}>${r.map((x) => `<td${x.num ? ' class="num"' : ''}>${x.html}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

const VERDICT_CLASS: Record<Verdict, string> = {
  supported: 'v-supported',
  'partly supported': 'v-partly',
  'not supported': 'v-not-supported',
  'not established': 'v-not-established',
  'not testable by benchmark': 'v-not-testable',
};

export function badge(v: Verdict): string {
  return `<span class="badge ${VERDICT_CLASS[v]}">${t(v)}</span>`;
}

/** JSON for a <script type="application/json"> block: `<` escaped so no tag can close the block. */
export function inlineJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
