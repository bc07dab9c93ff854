/** JUnit XML (the subset CI systems read: testsuites > testsuite > testcase with failure/skipped). */

export interface JUnitCase {
  /** grouping shown by CI tools, e.g. the cell */
  classname: string;
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  /** one line: why it failed / was skipped, or what passed */
  message: string;
  /** longer text (numbers, CI), optional */
  detail?: string;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(s: string): string {
  // characters XML 1.0 forbids are dropped
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

export function junitXml(suiteName: string, cases: readonly JUnitCase[]): string {
  const failures = cases.filter((c) => c.outcome === 'fail').length;
  const skipped = cases.filter((c) => c.outcome === 'skip').length;
  const attrs = `name="${xmlEscape(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="0"`;
    const detail = c.detail ? xmlEscape(c.detail) : '';
    if (c.outcome === 'fail')
      return `${open}>\n      <failure message="${xmlEscape(c.message)}" type="regression">${detail}</failure>\n    </testcase>`;
    if (c.outcome === 'skip') return `${open}>\n      <skipped message="${xmlEscape(c.message)}"/>\n    </testcase>`;
    return `${open}>\n      <system-out>${xmlEscape(c.message)}${detail ? `\n${detail}` : ''}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs}>`,
    `  <testsuite ${attrs}>`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
