/** Escaping for HTML and GitHub Markdown output, and the only links a report may carry. */

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
