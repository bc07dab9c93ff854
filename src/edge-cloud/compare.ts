/**
 * Edge vs cloud for every (device, model size class) the run measured (DESIGN §11): this device's
 * TTFT and decode beside the cloud group of the same class and metric, the network as its own
 * part, energy, cost per Mtok both ways and the break-even volume. Every condition that differs is
 * listed. Pure: cells + figures + assumptions in, rows out (the report, the terminal and C6 read them).
 */
import type { ClaimsConfig } from '../claims/config.ts';
import { onDevice, paramsB, sizeClass, type LocalCell, type LocalMetric, type SizeClass } from '../references/local.ts';
import type { Figure } from '../references/schema.ts';
import { resolveAssumptions, type ResolvedAssumptions } from './assumptions.ts';
import { cloudDecode, cloudPrices, cloudTtft, type CloudPrices, type ContextFigure, type Spread } from './cloud-side.ts';
import { breakEven, edgeCost, type BreakEven, type EdgeCost } from './cost.ts';
import { measuredClouds, type MeasuredCloud } from './measured-cloud.ts';

/** The prompt length the claims are about ("a short prompt"). */
export const TARGET_PROMPT = 128;

export interface LocalPick {
  cell: LocalCell;
  metric: LocalMetric;
}

export interface EdgeCloudRow {
  runId: string;
  device: string;
  deviceClass: LocalCell['deviceClass'];
  size: SizeClass;
  model: string;
  dtype: string;
  weights: LocalCell['weights'];
  ttft: { local: LocalPick | null; cloud: Spread | null; context: ContextFigure[]; mismatches: string[] };
  decode: { local: LocalPick | null; cloud: Spread | null; context: ContextFigure[]; mismatches: string[] };
  /** endpoints of the same size class the given runs measured (`run --endpoint`, `--cloud`) */
  measured: MeasuredCloud[];
  energy: { joulesPerToken: LocalMetric; source: 'measured' | 'estimated' } | null;
  cost: {
    assumptions: ResolvedAssumptions;
    /** output tokens at the decode speed; input tokens at the prefill speed */
    edgeOutput: EdgeCost | null;
    edgeInput: EdgeCost | null;
    cloud: CloudPrices;
    breakEven: BreakEven | null;
    mismatches: string[];
  };
}

/** The cell that answers "TTFT for a short prompt": prompt closest to 128 tokens, then most samples. */
function pickTtft(cells: readonly LocalCell[]): LocalPick | null {
  const c = cells
    .filter((x) => x.metrics.ttftMs && x.shape.promptTokens > 0)
    .sort(
      (a, b) =>
        Math.abs(a.shape.promptTokens - TARGET_PROMPT) - Math.abs(b.shape.promptTokens - TARGET_PROMPT) ||
        (b.metrics.ttftMs?.n ?? 0) - (a.metrics.ttftMs?.n ?? 0),
    )[0];
  return c?.metrics.ttftMs ? { cell: c, metric: c.metrics.ttftMs } : null;
}

/** The cell that answers "decode speed": the longest generation (steadiest), then most samples. */
function pickDecode(cells: readonly LocalCell[]): LocalPick | null {
  const c = cells
    .filter((x) => x.metrics.decodeTokensPerS && x.shape.genTokens > 1)
    .sort(
      (a, b) => b.shape.genTokens - a.shape.genTokens || (b.metrics.decodeTokensPerS?.n ?? 0) - (a.metrics.decodeTokensPerS?.n ?? 0),
    )[0];
  return c?.metrics.decodeTokensPerS ? { cell: c, metric: c.metrics.decodeTokensPerS } : null;
}

function ttftMismatches(local: LocalPick | null, cloud: Spread | null): string[] {
  if (!cloud) return [];
  const out = ['definition: cloud TTFT is client-side (network, TLS, queueing and prefill); local TTFT has no network'];
  out.push(
    `prompt: cloud prompt length not stated (Artificial Analysis: about 1k, or 10k after its change); local ${local ? `${local.cell.shape.promptTokens} tokens` : 'not measured'}`,
  );
  const models = [...new Set(cloud.figures.map((f) => f.model ?? 'unknown'))];
  if (
    models.length > 1 ||
    (local && !models.some((m) => m.toLowerCase().includes(local.cell.model.split('-').slice(0, 2).join('-').toLowerCase())))
  )
    out.push(`model: cloud group is ${models.join(', ')} (same size class)`);
  out.push('precision: cloud precision not stated; local ' + (local?.cell.dtype ?? 'n/a'));
  return out;
}

function decodeMismatches(cloud: Spread | null): string[] {
  if (!cloud) return [];
  return [
    'definition: hosted per-user output speed (provider batching unknown, includes streaming over the network) vs single-stream local decode',
    'precision: cloud precision not stated',
  ];
}

/** The round trip this device measured to an endpoint replaces the published range (a user's value wins). */
function withMeasuredNetwork(a: ResolvedAssumptions, measured: readonly MeasuredCloud[], config: ClaimsConfig): ResolvedAssumptions {
  const m = measured.find((x) => x.rttMs !== null);
  if (!m || m.rttMs === null || config.C6.networkRttMs !== undefined) return a;
  return {
    ...a,
    network: { lo: m.rttMs, hi: m.rttMs, source: `measured by this run: median TCP connect to ${m.endpoint ?? m.model}`, figures: [] },
  };
}

export function buildEdgeCloud(cells: readonly LocalCell[], figures: readonly Figure[], config: ClaimsConfig): EdgeCloudRow[] {
  const groups = new Map<string, LocalCell[]>();
  for (const c of onDevice(cells)) {
    if (c.status !== 'ok') continue;
    const size = sizeClass(paramsB(c));
    if (size === null) continue;
    const k = `${c.runId}|${size}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const rows: EdgeCloudRow[] = [];
  for (const group of groups.values()) {
    const first = group[0] as LocalCell;
    const size = sizeClass(paramsB(first)) as SizeClass;
    const ttftLocal = pickTtft(group);
    const decodeLocal = pickDecode(group);
    const t = cloudTtft(figures, size);
    const d = cloudDecode(figures, size);
    const prices = cloudPrices(figures, size);
    const measured = measuredClouds(cells, size, { ttft: pickTtft, decode: pickDecode });
    const a = withMeasuredNetwork(resolveAssumptions(config.C6, figures, first.devicePriceUsd), measured, config);
    const eCell = decodeLocal?.cell.metrics.joulesPerTokenDecode ? decodeLocal.cell : group.find((c) => c.metrics.joulesPerTokenDecode);
    const energy = eCell?.metrics.joulesPerTokenDecode
      ? { joulesPerToken: eCell.metrics.joulesPerTokenDecode, source: eCell.energySource ?? 'measured' }
      : null;
    const jIn = ttftLocal?.cell.metrics.joulesPerTokenPrefill ?? null;
    const prefill =
      ttftLocal?.cell.metrics.prefillTokensPerS ?? group.find((c) => c.metrics.prefillTokensPerS)?.metrics.prefillTokensPerS ?? null;
    const edgeOutput = decodeLocal ? edgeCost(decodeLocal.metric.median, energy?.joulesPerToken.median ?? null, a) : null;
    const edgeInput = prefill ? edgeCost(prefill.median, jIn?.median ?? null, a) : null;
    const be =
      decodeLocal && prices.output && edgeOutput
        ? breakEven(prices.output.median, edgeOutput.energyUsdPerMtok ?? 0, decodeLocal.metric.median, a)
        : null;
    rows.push({
      runId: first.runId,
      device: first.device,
      deviceClass: first.deviceClass,
      size,
      model: (decodeLocal ?? ttftLocal)?.cell.model ?? first.model,
      dtype: first.dtype,
      weights: first.weights,
      ttft: { local: ttftLocal, cloud: t.spread, context: t.context, mismatches: ttftMismatches(ttftLocal, t.spread) },
      decode: { local: decodeLocal, cloud: d.spread, context: d.context, mismatches: decodeMismatches(d.spread) },
      measured,
      energy,
      cost: {
        assumptions: a,
        edgeOutput,
        edgeInput,
        cloud: prices,
        breakEven: be,
        mismatches: prices.output
          ? [
              'prices are per served variant (Turbo, FP8, "instant") and dated snapshots that sources disagree on; the spread across providers is shown',
              ...(energy ? [] : ['energy: not measured, the edge cost is the device part only (a lower bound)']),
            ]
          : [],
      },
    });
  }
  return rows.sort((x, y) => x.runId.localeCompare(y.runId) || SIZE_ORDER.indexOf(x.size) - SIZE_ORDER.indexOf(y.size));
}

const SIZE_ORDER: SizeClass[] = ['<1B', '1B', '3B', '7-8B', '13B', '30B', '70B', '100B+'];
