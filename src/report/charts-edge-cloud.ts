/**
 * The answer's charts: edge vs cloud TTFT per size class with the network as its own segment,
 * decode speed per size class, and cost per day against daily volume with the break-even marked.
 * They plot only what src/edge-cloud/compare.ts computed (nothing new is derived here except the
 * points of the cost lines, from the same formulas: src/edge-cloud/cost.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { median } from '../edge-cloud/cloud-side.ts';
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

export function ttftBars(rows: readonly EdgeCloudRow[]): { group: string; who: string; part: string; ms: number }[] {
  const multi = new Set(rows.map((r) => r.runId)).size > 1;
  const out: { group: string; who: string; part: string; ms: number }[] = [];
  for (const r of rows) {
    if (!r.ttft.local || !r.ttft.cloud) continue;
    const g = label(r, multi);
    out.push({
      group: g,
      who: 'this device',
      part: `on device (${r.weights === 'synthetic' ? 'synthetic weights' : 'weights: ' + (r.weights ?? 'unknown')})`,
      ms: r.ttft.local.metric.median,
    });
    const net = Math.min(networkMs(r) ?? 0, r.ttft.cloud.median);
    out.push({ group: g, who: 'cloud (published median)', part: 'network round trip', ms: net });
    out.push({ group: g, who: 'cloud (published median)', part: 'server: queueing, prefill, first token', ms: r.ttft.cloud.median - net });
  }
  return out;
}

function ttftSpec(values: ReturnType<typeof ttftBars>): TopLevelSpec {
  return {
    $schema: SCHEMA,
    data: { values },
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
      x: { field: 'ms', type: 'quantitative', title: 'TTFT (ms), 128-token prompt here; cloud as published', stack: 'zero' },
      color: {
        field: 'part',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 },
        scale: { range: ['#4c78a8', '#f58518', '#9ecae9', '#e45756'] },
      },
    },
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

export function decodeBars(rows: readonly EdgeCloudRow[]): { group: string; who: string; tps: number }[] {
  const multi = new Set(rows.map((r) => r.runId)).size > 1;
  const out: { group: string; who: string; tps: number }[] = [];
  for (const r of rows) {
    if (!r.decode.local || !r.decode.cloud) continue;
    out.push({ group: label(r, multi), who: 'this device', tps: r.decode.local.metric.median });
    out.push({ group: label(r, multi), who: 'cloud per user (published median)', tps: r.decode.cloud.median });
  }
  return out;
}

function decodeSpec(values: ReturnType<typeof decodeBars>): TopLevelSpec {
  return {
    $schema: SCHEMA,
    data: { values },
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
      x: { field: 'tps', type: 'quantitative', title: 'decode tokens/s (one stream)' },
      color: {
        field: 'who',
        type: 'nominal',
        title: null,
        legend: null,
        scale: { domain: ['this device', 'cloud per user (published median)'], range: ['#f58518', '#4c78a8'] },
      },
    },
    config: { font: 'sans-serif', view: { stroke: null } },
  };
}

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
        'Cloud bars are the median published client-side TTFT of the size class, split into the network round trip (yours with --network-rtt-ms, else the median of the published round trips) and the rest. Conditions differ: see the mismatches under the answer.',
      svg: t.length ? await renderSvg(ttftSpec(t)) : null,
    },
    {
      id: 'chart-ec-decode',
      title: 'Decode speed: this device vs hosted APIs (per user), per size class',
      caption: 'Hosted APIs: median per-user output speed of the size class (provider batching unknown).',
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
