/**
 * Side by side: when one run measured the same model and shape with several runners (or EPs),
 * compare them as ratios of medians A ÷ B with a bootstrap 95 % CI, resampling each side's raw
 * per-request samples independently (src/stats bootstrapMedians, seeded), and list every condition
 * that differs (dtype, threads, EP, software adapter, fallback, boundary) so an unfair comparison
 * is never silent. Pure: summaries in, comparison out.
 */
import { bootstrapMedians, DEFAULT_RESAMPLES, percentileSorted } from '../stats/index.ts';
import { METRIC_DIRECTION } from './metrics/index.ts';
import type { CellSummary, MetricName, MetricSummary, Warning } from '../results/schema.ts';
import type { CompareSide, RatioEstimate, RunnerComparison, SideBySide } from '../results/side-by-side-schema.ts';

/** Metrics compared, and whether a higher value is better. */
export const COMPARED_METRICS: readonly { name: MetricName; higherIsBetter: boolean }[] = (
  ['decodeTokensPerS', 'prefillTokensPerS', 'ttftMs', 'tpotMs', 'e2eMs'] as const
).map((name) => ({ name, higherIsBetter: METRIC_DIRECTION[name] === 'higher-is-better' }));

export interface SideBySideOptions {
  seed: number;
  resamples?: number;
}

/** Bootstrap CI of median(a)/median(b): independent resamples of each side. */
export function ratioOfMedians(
  a: readonly number[],
  b: readonly number[],
  opts: { seed: number; resamples?: number; higherIsBetter: boolean; unit: string; medianA: number; medianB: number },
): RatioEstimate {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const ma = bootstrapMedians(a, { seed: opts.seed, resamples });
  const mb = bootstrapMedians(b, { seed: opts.seed + 1, resamples });
  const ratios = Array.from(ma, (x, i) => x / mb[i]!)
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  const ratio = opts.medianA / opts.medianB;
  const ci95 = ratios.length > 0 ? { lo: percentileSorted(ratios, 2.5), hi: percentileSorted(ratios, 97.5) } : { lo: ratio, hi: ratio };
  const aHigher = ci95.lo > 1;
  const aLower = ci95.hi < 1;
  const verdict: RatioEstimate['verdict'] =
    !aHigher && !aLower ? 'inconclusive' : aHigher === opts.higherIsBetter ? 'a-better' : 'b-better';
  return {
    ratio,
    ci95,
    medianA: opts.medianA,
    medianB: opts.medianB,
    nA: a.length,
    nB: b.length,
    unit: opts.unit,
    higherIsBetter: opts.higherIsBetter,
    verdict,
  };
}

function side(c: CellSummary): CompareSide {
  return {
    cellIndex: c.index,
    runner: c.key.runner,
    ep: c.resolved?.executionProvider ?? c.key.ep,
    threads: c.resolved?.threads ?? c.key.threads,
    dtype: c.resolved?.dtype ?? c.key.dtype,
  };
}

const variant = (c: CellSummary) => `${c.key.runner}/${c.key.ep}`;

/** Conditions that differ between two cells, in words. */
export function mismatches(a: CellSummary, b: CellSummary): string[] {
  const out: string[] = [];
  const sa = side(a);
  const sb = side(b);
  // e.g. ONNX q4 vs GGUF q4_0: the weight bytes each streams per decoded token tell format from runtime
  const mb = (c: CellSummary) => (c.model?.bytesPerToken ? `${(c.model.bytesPerToken / 1e6).toFixed(0)} MB` : null);
  const perTok = mb(a) && mb(b) ? ` (weights/token ${mb(a)} vs ${mb(b)})` : '';
  if (sa.dtype !== sb.dtype) out.push(`dtype ${sa.dtype} vs ${sb.dtype}${perTok}`);
  if (sa.threads !== sb.threads) out.push(`threads ${sa.threads ?? 'auto'} vs ${sb.threads ?? 'auto'}`);
  // the requested device: ort-web's 'cpu' is inherently wasm, a runner difference rather than a condition
  if (a.key.ep !== b.key.ep) out.push(`ep ${a.key.ep} vs ${b.key.ep}`);
  const soft = (c: CellSummary) => c.resolved?.settings.softwareAdapter === true;
  if (soft(a) || soft(b))
    out.push(`software GPU adapter on ${[soft(a) ? 'A' : '', soft(b) ? 'B' : ''].filter(Boolean).join(' and ')} (a CPU emulating the GPU)`);
  if (a.resolved?.fallback || b.resolved?.fallback)
    out.push(`silent fallback on ${[a.resolved?.fallback ? 'A' : '', b.resolved?.fallback ? 'B' : ''].filter(Boolean).join(' and ')}`);
  if (a.boundary !== b.boundary) out.push(`boundary ${a.boundary} vs ${b.boundary}`);
  return out;
}

function compareCells(a: CellSummary, b: CellSummary, opts: SideBySideOptions): RunnerComparison {
  const metrics: Record<string, RatioEstimate> = {};
  COMPARED_METRICS.forEach(({ name, higherIsBetter }, i) => {
    const ma: MetricSummary | null | undefined = a.metrics[name];
    const mb: MetricSummary | null | undefined = b.metrics[name];
    if (!ma || !mb || ma.samples.length === 0 || mb.samples.length === 0 || mb.median === 0) return;
    metrics[name] = ratioOfMedians(ma.samples, mb.samples, {
      seed: opts.seed + 2 * i,
      ...(opts.resamples !== undefined ? { resamples: opts.resamples } : {}),
      higherIsBetter,
      unit: 'ratio',
      medianA: ma.median,
      medianB: mb.median,
    });
  });
  return { model: a.key.model, shape: a.key.shape.name, a: side(a), b: side(b), metrics, mismatches: mismatches(a, b) };
}

/** The B cell closest in conditions to `a` (fewest mismatches; same threads first). */
function closestCell(a: CellSummary, candidates: CellSummary[]): CellSummary | undefined {
  return [...candidates].sort(
    (x, y) =>
      mismatches(a, x).length - mismatches(a, y).length ||
      Number(x.key.threads !== a.key.threads) - Number(y.key.threads !== a.key.threads),
  )[0];
}

/**
 * Every pair of runner/EP variants measured on the same model and shape; A is the variant listed
 * first in the run (the suite's runner order). Null when the run has a single variant.
 */
export function sideBySide(cells: readonly CellSummary[], opts: SideBySideOptions): SideBySide | null {
  const ok = cells.filter((c) => c.status === 'ok');
  const order = [...new Set(ok.map(variant))];
  if (order.length < 2) return null;
  const groups = new Map<string, CellSummary[]>();
  for (const c of ok) {
    const k = `${c.key.model}\u0000${c.key.shape.name}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const comparisons: RunnerComparison[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < order.length; i++) {
      for (let j = i + 1; j < order.length; j++) {
        const as = group.filter((c) => variant(c) === order[i]);
        const bs = group.filter((c) => variant(c) === order[j]);
        for (const a of as) {
          const b = closestCell(a, bs);
          if (b) comparisons.push(compareCells(a, b, opts));
        }
      }
    }
  }
  if (comparisons.length === 0) return null;
  return { method: 'bootstrap-ratio-of-medians', resamples: opts.resamples ?? DEFAULT_RESAMPLES, seed: opts.seed, comparisons };
}

/** Run-level warnings about how runners ran: software GPU adapter, q4 on wasm (silent fallback is a cell warning, FALLBACK). */
export function runnerWarnings(cells: readonly CellSummary[]): Warning[] {
  const out: Warning[] = [];
  const list = (cs: CellSummary[]) => cs.map((c) => `#${c.index} ${c.key.runner}/${c.key.ep} ${c.key.shape.name}`).join(', ');
  const soft = cells.filter((c) => c.resolved?.settings.softwareAdapter === true);
  if (soft.length) {
    const desc = soft[0]!.resolved?.settings.adapterDescription;
    out.push({
      code: 'SOFTWARE_GPU_ADAPTER',
      severity: 'warn',
      message: `WebGPU ran on a software adapter${typeof desc === 'string' ? ` (${desc})` : ''}, i.e. on the CPU (${list(soft)})`,
      fix: 'for GPU numbers run on a machine with a GPU driver; unset VK_ICD_FILENAMES if it points at SwiftShader',
    });
  }
  const q4 = cells.filter((c) => c.status === 'ok' && typeof c.resolved?.settings.wasmQ4Warning === 'string');
  if (q4.length) {
    const decode = q4.map((c) => c.metrics.decodeTokensPerS?.median).find((x) => x !== undefined);
    out.push({
      code: 'WASM_Q4_SLOW',
      severity: 'warn',
      message: `q4 weights on onnxruntime-web wasm (${list(q4)})${decode !== undefined ? `: ${decode.toFixed(2)} decode tok/s` : ''}; ${String(q4[0]!.resolved?.settings.wasmQ4Warning)}`,
      fix: 'compare wasm with --dtype q8 or fp16, or set runnerSettings ort-web wasmDtype: fastest (the harness measures each variant and runs the fastest)',
    });
  }
  return out;
}
