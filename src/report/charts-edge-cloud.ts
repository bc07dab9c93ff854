/**
 * The answer's charts: edge vs cloud TTFT per size class with the network as its own segment,
 * decode speed per size class, and cost per day against daily volume with the break-even marked.
 * They plot only what src/edge-cloud/compare.ts computed (nothing new is derived here except the
 * points of the cost lines, from the same formulas: src/edge-cloud/cost.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { median } from '../stats/index.ts';
import type { EdgeCloudRow } from '../edge-cloud/compare.ts';
import { costPerDay } from '../edge-cloud/cost.ts';
import type { Chart } from './charts.ts';
import { renderSvg } from './charts.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const label = (r: EdgeCloudRow, multi: boolean) => `${r.size}${multi ? ` · ${r.device.slice(0, 40)}` : ''}`;

/** The network part of a cloud TTFT: the user's round trip, else the median of the published ones. */
export function networkMs(r: EdgeCloudRow): number | null {
  const n = r.cost.assumptions.network;
  if (!n) return null;
  return n.lo === n.hi ? n.lo : median(n.figures.map((f) => Number(f.value)).filter(Number.isFinite));
}

type TtftBar = { group: string; who: string; part: string; ms: number };
type DecodeBar = { group: string; who: string; side: string; tps: number };

/** 'api.example.com' from a recorded endpoint (the bar's label stays short). */
const host = (endpoint: string | null) => {
  try {
    return endpoint ? new URL(endpoint).host : 'endpoint';
  } catch {
    return endpoint ?? 'endpoint';
  }
};

/** A cloud TTFT split into the network round trip and the rest (the round trip never exceeds the whole). */
function cloudTtftBars(group: string, who: string, ttftMs: number, networkRttMs: number | null): TtftBar[] {
  const net = Math.min(networkRttMs ?? 0, ttftMs);
  return [
    { group, who, part: 'network round trip', ms: net },
    { group, who, part: 'server: queueing, prefill, first token', ms: ttftMs - net },
  ];
}

export function ttftBars(rows: readonly EdgeCloudRow[]): TtftBar[] {
  const multi = new Set(rows.map((r) => r.runId)).size > 1;
  const out: TtftBar[] = [];
  for (const r of rows) {
    const measured = r.measured.filter((m) => m.ttft);
    if (!r.ttft.local || (!r.ttft.cloud && measured.length === 0)) continue;
    const g = label(r, multi);
    out.push({
      group: g,
      who: 'this device',
      part: `on device (${r.weights === 'synthetic' ? 'synthetic weights' : 'weights: ' + (r.weights ?? 'unknown')})`,
      ms: r.ttft.local.metric.median,
    });
    if (r.ttft.cloud) out.push(...cloudTtftBars(g, 'cloud (published median)', r.ttft.cloud.median, networkMs(r)));
    for (const m of measured) out.push(...cloudTtftBars(g, `cloud (measured: ${host(m.endpoint)})`, m.ttft!.metric.median, m.rttMs));
  }
  return out;
}

export function decodeBars(rows: readonly EdgeCloudRow[]): DecodeBar[] {
  const multi = new Set(rows.map((r) => r.runId)).size > 1;
  const out: DecodeBar[] = [];
  for (const r of rows) {
    const measured = r.measured.filter((m) => m.decode);
    if (!r.decode.local || (!r.decode.cloud && measured.length === 0)) continue;
    const group = label(r, multi);
    out.push({ group, who: 'this device', side: 'this device', tps: r.decode.local.metric.median });
    if (r.decode.cloud) out.push({ group, who: 'cloud per user (published median)', side: 'cloud, published', tps: r.decode.cloud.median });
    for (const m of measured)
      out.push({ group, who: `cloud (measured: ${host(m.endpoint)})`, side: 'cloud, measured', tps: m.decode!.metric.median });
  }
  return out;
}

/** Horizontal bars, one row of the facet per size class (both bar charts of the answer). */
function rowBars(values: readonly object[], x: { field: string; title: string; stack?: 'zero' }, color: object): TopLevelSpec {
  return {
    $schema: SCHEMA,
    data: { values: [...values] },
    width: 300,
    height: { step: 18 },
    mark: { type: 'bar' },
    encoding: {
      row: {
        field: 'group',
        type: 'nominal',
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' },
      },
      y: { field: 'who', type: 'nominal', title: null, axis: { labelLimit: 0 } },
      x: { ...x, type: 'quantitative' },
      color: { type: 'nominal', title: null, ...color },
    },
    config: { font: 'sans-serif', view: { stroke: null } },
  } as TopLevelSpec;
}

const ttftSpec = (values: readonly TtftBar[]) =>
  rowBars(
    values,
    { field: 'ms', title: 'TTFT (ms), 128-token prompt here; cloud as published or measured', stack: 'zero' },
    {
      field: 'part',
      legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 },
      scale: { range: ['#4c78a8', '#f58518', '#9ecae9', '#e45756'] },
    },
  );

const decodeSpec = (values: readonly DecodeBar[]) =>
  rowBars(
    values,
    { field: 'tps', title: 'decode tokens/s (one stream)' },
    {
      field: 'side',
      legend: null,
      scale: { domain: ['this device', 'cloud, published', 'cloud, measured'], range: ['#f58518', '#4c78a8', '#54a24b'] },
    },
  );

/** Cost per day of output tokens at volumes from 10k/day to past the break-even (log spaced). */
export function costLines(r: EdgeCloudRow): { series: string; tokensPerDay: number; usdPerDay: number }[] {
  const out = r.cost.cloud.output;
  const d = r.decode.local;
  if (!out || !d || !r.cost.edgeOutput) return [];
  const energy = r.cost.edgeOutput.energyUsdPerMtok ?? 0;
  const cap = d.metric.median * 86_400;
  const top = Math.max(cap, (r.cost.breakEven?.tokensPerDay ?? cap) * 2, 1e5);
  const pts: { series: string; tokensPerDay: number; usdPerDay: number }[] = [];
  for (let v = 1e4; v <= top * 1.0001; v *= 10 ** 0.25) {
    const c = costPerDay(v, out.median, energy, r.cost.assumptions);
    if (v <= cap) pts.push({ series: 'this device (price ÷ lifetime + electricity)', tokensPerDay: v, usdPerDay: c.edge });
    pts.push({ series: `API, median $${out.median}/Mtok`, tokensPerDay: v, usdPerDay: c.cloud });
    if (out.n > 1)
      pts.push({
        series: `API, cheapest $${out.lo}/Mtok`,
        tokensPerDay: v,
        usdPerDay: costPerDay(v, out.lo, energy, r.cost.assumptions).cloud,
      });
  }
  return pts;
}

function costSpec(r: EdgeCloudRow, values: ReturnType<typeof costLines>): TopLevelSpec {
  const be = r.cost.breakEven?.tokensPerDay ?? null;
  const cap = (r.decode.local?.metric.median ?? 0) * 86_400;
  const rules = [...(be !== null ? [{ at: be, what: 'break-even' }] : []), { at: cap, what: 'device at full speed 24 h' }];
  return {
    $schema: SCHEMA,
    width: 360,
    height: 200,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'tokensPerDay', type: 'quantitative', scale: { type: 'log' }, title: 'output tokens per day (log)' },
          y: { field: 'usdPerDay', type: 'quantitative', scale: { type: 'log' }, title: 'USD per day (log)' },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 } },
        },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', strokeDash: [4, 3] },
        encoding: {
          x: { field: 'at', type: 'quantitative' },
          strokeDash: { field: 'what', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical' } },
        },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

export async function edgeCloudCharts(rows: readonly EdgeCloudRow[]): Promise<Chart[]> {
  const t = ttftBars(rows);
  const d = decodeBars(rows);
  const costRow = rows.find((r) => costLines(r).length > 0);
  return [
    {
      id: 'chart-ec-ttft',
      title: 'TTFT: this device vs the cloud, per size class',
      caption:
        "Cloud bars: the median published client-side TTFT of the size class, and each endpoint you measured (run --endpoint), split into the network round trip (yours with --network-rtt-ms, else the one measured before the endpoint's cells, else the median of the published round trips) and the rest. Conditions differ: see the mismatches under the answer.",
      svg: t.length ? await renderSvg(ttftSpec(t)) : null,
    },
    {
      id: 'chart-ec-decode',
      title: 'Decode speed: this device vs hosted APIs (per user), per size class',
      caption:
        'Hosted APIs: median published per-user output speed of the size class (provider batching unknown), and each endpoint you measured.',
      svg: d.length ? await renderSvg(decodeSpec(d)) : null,
    },
    {
      id: 'chart-ec-cost',
      title: `Cost per day vs daily volume${costRow ? ` (${costRow.size})` : ''}`,
      caption: costRow
        ? `This device: its price spread over ${costRow.cost.assumptions.lifetimeYears} years plus electricity per token; it cannot go past its 24-h capacity. APIs: list price × volume. The lines cross at the break-even, if it is within reach.`
        : 'No API price for the size classes measured, or no decode speed: no cost chart.',
      svg: costRow ? await renderSvg(costSpec(costRow, costLines(costRow))) : null,
    },
  ];
}
