/**
 * Vega-Lite specs for the store's pages, rendered to SVG by the report's renderer (no browser, no
 * network). Only numbers from the leaderboard and history are plotted; nothing is computed here.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../report/charts.ts';
import type { History } from './history.ts';
import type { Leaderboard, LeaderboardGroup } from './leaderboard.ts';

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One group's rows: median dots with CI whiskers, in rank order. */
export async function leaderboardSvg(lb: Leaderboard, g: LeaderboardGroup): Promise<string> {
  const values = g.rows.map((r) => ({
    label: short(`${r.rank}. ${r.device} (${r.ep}${r.threads === null ? '' : ` t${r.threads}`})`, 50),
    value: r.median,
    lo: r.ciLo,
    hi: r.ciHi,
  }));
  const unit = g.rows[0]?.unit ?? '';
  const y = { field: 'label', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 0 } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: { step: 18 },
    data: { values },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2, color: '#1f77b4' },
        encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'point', filled: true, size: 60, color: '#1f77b4' },
        encoding: {
          y,
          x: { field: 'value', type: 'quantitative', title: `${lb.query.metric} (${unit}), median with 95 % CI`, scale: { zero: false } },
        },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
  return renderSvg(spec);
}

export async function historySvg(h: History): Promise<string> {
  const values = h.series.flatMap((s) =>
    s.points.map((p) => ({
      series: short(s.label, 80),
      t: p.createdAt,
      value: p.median,
      lo: p.ciLo,
      hi: p.ciHi,
      commit: p.commit?.slice(0, 8) ?? p.runId,
      mark: p.change?.verdict === 'regressed' ? 'regressed' : p.change?.verdict === 'improved' ? 'improved' : 'no significant change',
    })),
  );
  const unit = h.series[0]?.unit ?? '';
  const x = { field: 't', type: 'temporal' as const, title: 'run date' };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 0 },
  };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: `${h.query.metric} (${unit})`, scale: { zero: false } }, color },
      },
      { mark: { type: 'rule', strokeWidth: 1 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      {
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' },
          color,
          shape: {
            field: 'mark',
            type: 'nominal',
            title: 'change vs previous run',
            scale: { domain: ['no significant change', 'improved', 'regressed'], range: ['circle', 'triangle-up', 'triangle-down'] },
            legend: { orient: 'bottom', direction: 'vertical' },
          },
        },
      },
    ],
    config: { font: 'sans-serif' },
  };
  return renderSvg(spec);
}
