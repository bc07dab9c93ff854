/** Self-contained HTML pages for `leaderboard --html` and `history --html` (the report's style and charting). */
import { REPORT_CSS } from '../report/html-style.ts';
import { c, inlineJson, t, table } from '../report/html-parts.ts';
import { sig3 } from '../format/numbers.ts';
import { historySvg, leaderboardSvg } from './charts.ts';
import type { History } from './history.ts';
import { groupTitle } from './leaderboard-text.ts';
import type { Leaderboard } from './leaderboard.ts';

function page(title: string, lead: string, body: string, data: unknown): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${t(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${t(title)}</h1>
<p class="lead">${t(lead)}</p>
${body}
</main>
<script type="application/json" id="edgebench-store-data">${inlineJson(data)}</script>
</body>
</html>
`;
}

const chart = (id: string, svg: string, caption: string) =>
  `<figure id="${id}"><div class="chart">${svg}</div><figcaption>${t(caption)}</figcaption></figure>`;

export async function leaderboardHtml(lb: Leaderboard): Promise<string> {
  const tables = await Promise.all(
    lb.groups.map(async (g, i) => {
      const unit = g.rows[0]?.unit ?? '';
      const rows = g.rows.map((r) => [
        c(t(r.rank), true),
        c(t(r.device)),
        c(t(r.deviceClass)),
        c(t(`${r.ep}${r.threads === null ? '' : ` t${r.threads}`}`)),
        c(
          `${t(sig3(r.median))} <span class="ci">[${t(sig3(r.ciLo))}, ${t(sig3(r.ciHi))}]</span>${r.plausibility === 'ok' ? '' : ' <b>IMPLAUSIBLE</b>'}`,
          true,
        ),
        c(t(r.n), true),
        c(t(r.runId)),
        c(t(r.createdAt.slice(0, 10))),
        c(t(r.commit?.slice(0, 8) ?? '')),
      ]);
      const svg = await leaderboardSvg(lb, g);
      return `<section class="group"><h2>${t(groupTitle(g))}</h2>${chart(`chart-group-${i}`, svg, 'Median with its 95 % bootstrap CI.')}${table(['#', 'device', 'class', 'setup', `${lb.query.metric} (${unit}) median [95 % CI]`, 'n', 'run', 'date', 'commit'], rows)}${g.more ? `<p class="note">… and ${t(g.more)} more devices</p>` : ''}</section>`;
    }),
  );
  const better = lb.direction === 'higher-is-better' ? 'higher is better' : 'lower is better';
  const lead = `${lb.query.metric} of ${lb.query.model}: ${better}. Rows rank only within a group of the same model, dtype, shape, runner and weights; one row per device and setup (its latest run).${lb.hiddenImplausible ? ` ${lb.hiddenImplausible} IMPLAUSIBLE cells left out.` : ''}`;
  const body = tables.join('\n');
  return page(`edgebench leaderboard: ${lb.query.model} ${lb.query.metric}`, lead, body, lb);
}

export async function historyHtml(h: History): Promise<string> {
  const tables = h.series.map((s) => {
    const rows = s.points.map((p) => [
      c(t(p.createdAt.slice(0, 16).replace('T', ' '))),
      c(t(p.commit?.slice(0, 8) ?? '')),
      c(t(p.runId)),
      c(`${t(sig3(p.median))} <span class="ci">[${t(sig3(p.ciLo))}, ${t(sig3(p.ciHi))}]</span>`, true),
      c(t(p.n), true),
      c(
        p.change
          ? `${p.change.verdict === 'regressed' ? '<b class="regressed">regressed</b>' : t(p.change.verdict)} <span class="ci">${t(p.change.reason)}</span>`
          : '',
      ),
    ]);
    return `<section class="series"><h2>${t(s.label)}</h2>${table(['date', 'commit', 'run', `median (${s.unit}) [95 % CI]`, 'n', 'change vs previous run'], rows, (i) => (s.points[i]?.change?.verdict === 'regressed' ? 'regressed' : ''))}</section>`;
  });
  const lead = `${h.query.metric} over time: ${h.series.length} series (one device and setup each), ${h.regressions} regression(s) by compare's rule (Mann–Whitney U with Holm, α=${h.query.alpha}, noise band ±${h.query.noiseBand.pct} %). Whiskers: 95 % bootstrap CI of the median.`;
  const body = `${chart('chart-history', await historySvg(h), 'Median per run with its 95 % CI; triangles mark changes compare calls significant (down = regressed, up = improved).')}\n${tables.join('\n')}`;
  return page(`edgebench history: ${h.query.metric}`, lead, body, h);
}
