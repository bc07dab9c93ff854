/**
 * Charts for the HTML report: Vega-Lite specs compiled and rendered to SVG strings in Node
 * (no browser, no network). The specs only plot numbers already in the report data (medians,
 * CIs, reference values, raw per-token gaps); nothing is computed here.
 */
import * as vega from 'vega';
import { modelShapeLabel } from '../format/labels.ts';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CellResult } from '../results/schema.ts';
import type { ReportRun } from './report-run.ts';
import type { ReportData } from './model.ts';
import { edgeCloudCharts } from './charts-edge-cloud.ts';

export interface Chart {
  id: string;
  title: string;
  caption: string;
  /** rendered SVG, or null when there is nothing to plot (the caption says why) */
  svg: string | null;
}

interface Point {
  label: string;
  group: string;
  value: number;
  lo: number;
  hi: number;
  marked: string;
}

const GROUP_ORDER = ['this device', 'edge: phone', 'edge: laptop / desktop', 'edge: other', 'cloud GPU', 'ASIC'];
const GROUP_COLORS = ['#d62728', '#2ca02c', '#17becf', '#7f7f7f', '#1f77b4', '#9467bd'];
const MARKS = ['measured here', 'published, comparable', 'published, conditions differ', 'published, unverifiable (context)'];

function short(s: string, n = 46): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function groupOf(category: string, deviceClass: string): string {
  if (category === 'asic') return 'ASIC';
  if (deviceClass === 'phone') return 'edge: phone';
  if (deviceClass === 'laptop' || deviceClass === 'desktop') return 'edge: laptop / desktop';
  if (deviceClass === 'datacenter' || category === 'cloud-gpu') return 'cloud GPU';
  return 'edge: other';
}

/** Local medians (with CI) and the matched references for one metric. */
export function comparisonPoints(d: ReportData, metric: string): Point[] {
  const pts: Point[] = [];
  const seen = new Set<string>();
  const multi = d.runs.length > 1;
  for (const c of d.comparisons.filter((x) => x.metric === metric)) {
    const cell = d.cells.find((x) => x.runId === c.runId && x.index === c.index);
    const what = cell ? modelShapeLabel(cell) : c.label;
    pts.push({
      label: short(`${multi ? `${c.runId} ` : ''}#${c.index} ${what}`, 44),
      group: 'this device',
      value: c.local.median,
      lo: c.local.ci95.lo,
      hi: c.local.ci95.hi,
      marked: 'measured here',
    });
    for (const m of c.matches) {
      if (seen.has(m.figure.id)) continue;
      seen.add(m.figure.id);
      pts.push({
        label: short(`${m.figure.system} · ${m.figure.model ?? ''}`, 44),
        group: groupOf(m.figure.category, m.figure.device_class),
        value: m.refValue,
        lo: m.refLo,
        hi: m.refHi,
        marked: m.decisive
          ? m.comparable
            ? 'published, comparable'
            : 'published, conditions differ'
          : 'published, unverifiable (context)',
      });
    }
  }
  return pts.filter((p) => p.value > 0 && Number.isFinite(p.value));
}

function dotPlot(points: Point[], axisTitle: string): TopLevelSpec {
  const groups = GROUP_ORDER.filter((g) => points.some((p) => p.group === g));
  const color = {
    field: 'group',
    type: 'nominal' as const,
    title: null,
    scale: { domain: groups, range: groups.map((g) => GROUP_COLORS[GROUP_ORDER.indexOf(g)] ?? '#333') },
    legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 0 },
  };
  const y = {
    field: 'label',
    type: 'nominal' as const,
    title: null,
    sort: { field: 'value', order: 'ascending' as const },
    axis: { labelLimit: 0, labelFontSize: 11 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 260,
    height: { step: 16 },
    data: { values: points },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: { field: 'lo', type: 'quantitative', scale: { type: 'log', padding: 12, nice: false } },
          x2: { field: 'hi' },
          color,
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y,
          x: {
            field: 'value',
            type: 'quantitative',
            title: axisTitle,
            scale: { type: 'log', padding: 12, nice: false },
            axis: { grid: true, labelOverlap: 'greedy', labelFlush: false },
          },
          color,
          shape: {
            field: 'marked',
            type: 'nominal',
            title: null,
            scale: { domain: MARKS, range: ['circle', 'square', 'triangle-up', 'diamond'] },
            legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 },
          },
        },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

/** Per-token gaps of the measured requests against time since the cell's first measured request. */
export function itlSeries(runs: readonly ReportRun[], maxPointsPerCell = 400): { cell: string; tS: number; itlMs: number }[] {
  const out: { cell: string; tS: number; itlMs: number }[] = [];
  const multi = runs.length > 1;
  for (const run of runs) {
    for (const c of run.cells.filter((x: CellResult) => x.status === 'ok')) {
      const label = short(`${multi ? `${run.runId}: ` : ''}#${c.index} ${modelShapeLabel(c.key)}`, 60);
      const pts: { cell: string; tS: number; itlMs: number }[] = [];
      for (const r of c.requests.filter((x) => x.phase === 'measured')) {
        const t = r.tokenTimesMs;
        for (let i = 1; i < t.length; i++)
          pts.push({ cell: label, tS: (r.offsetMs + (t[i] as number)) / 1000, itlMs: (t[i] as number) - (t[i - 1] as number) });
      }
      const stride = Math.max(1, Math.ceil(pts.length / maxPointsPerCell));
      out.push(...pts.filter((_, i) => i % stride === 0));
    }
  }
  return out;
}

function itlSpec(values: ReturnType<typeof itlSeries>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      row: {
        field: 'cell',
        type: 'nominal',
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelLimit: 600 },
      },
    },
    spec: {
      width: 520,
      height: 90,
      mark: { type: 'line', strokeWidth: 1, interpolate: 'linear' },
      encoding: {
        x: { field: 'tS', type: 'quantitative', title: 'time since first measured request (s)' },
        y: { field: 'itlMs', type: 'quantitative', title: 'ITL (ms)', scale: { zero: false } },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: { font: 'sans-serif' },
  };
}

type WidthFn = (item: { fontSize?: number | null }, text?: unknown) => number;
const metrics = (vega as unknown as { textMetrics?: { width: WidthFn; estimateWidth: WidthFn } }).textMetrics;
/**
 * Without a canvas, Vega estimates text as 0.8 em per character, which leaves wide empty
 * margins around long labels; 0.56 em is closer to an average sans-serif glyph. Like vl-convert,
 * this replaces textMetrics.width with a plain measure of the given text (deterministic).
 */
if (metrics && metrics.width === metrics.estimateWidth) {
  metrics.width = (item, text) => Math.round(0.56 * String(text ?? '').length * (item.fontSize != null ? Number(item.fontSize) || 0 : 11));
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function buildCharts(d: ReportData, runs: readonly ReportRun[]): Promise<Chart[]> {
  // the answer's charts first (edge vs cloud per size class, cost vs volume)
  const charts: Chart[] = [...(await edgeCloudCharts(d.edgeCloud))];
  const comparison = async (id: string, metric: string, title: string, axis: string, none: string): Promise<Chart> => {
    const pts = comparisonPoints(d, metric);
    const local = pts.some((p) => p.group === 'this device');
    return {
      id,
      title,
      caption: local
        ? 'Log scale. This device: median with its 95 % CI (whisker). Published figures: nearest matches per category (see the comparison table for the differing conditions); ranges shown as whiskers.'
        : none,
      svg: local ? await renderSvg(dotPlot(pts, axis)) : null,
    };
  };
  charts.push(
    await comparison(
      'chart-ttft',
      'ttftMs',
      'Time to first token vs published figures',
      'TTFT (ms, log scale)',
      'No TTFT measured, or no published TTFT for these model sizes.',
    ),
  );
  charts.push(
    await comparison(
      'chart-decode',
      'decodeTokensPerS',
      'Decode speed vs published figures',
      'decode tokens/s (log scale)',
      'No decode speed measured, or no published figure for these model sizes.',
    ),
  );
  charts.push(
    d.energyMeasured
      ? await comparison(
          'chart-energy',
          'joulesPerTokenDecode',
          'Energy per token vs published figures',
          'J/token (log scale)',
          'No published J/token for these model sizes.',
        )
      : {
          id: 'chart-energy',
          title: 'Energy per token vs published figures',
          caption:
            'Energy not measured on this device: no J/token chart. Rerun with an energy source (RAPL, powermetrics, nvidia-smi, a meter CSV).',
          svg: null,
        },
  );
  const itl = itlSeries(runs);
  charts.push({
    id: 'chart-itl',
    title: 'Per-token latency over the run',
    caption:
      'Inter-token gaps of the measured requests against time since the first measured request, in emission order (thinned to at most 400 points per cell). A rising trend means throttling or background load.',
    svg: itl.length ? await renderSvg(itlSpec(itl)) : null,
  });
  const load = await (await import('./load-chart.ts')).throughputLatencyChart(runs.map((r) => r.dir)); // only runs with a ladder
  if (load) charts.push(load);
  return charts;
}
