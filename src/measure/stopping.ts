/**
 * When a cell stops measuring. Fixed rule: as soon as both minCount and minTimeS are met, or a
 * cap (maxCount, maxTimeS) is hit. Adaptive rule (targetCiPct): past the minimums, it also waits
 * until the 95 % bootstrap CI of the median of the headline metric (decode tok/s when the shape
 * decodes ≥ 2 tokens, else TTFT) has a half-width (hi − lo)/2 ≤ targetCiPct % of the median; a cap
 * hit first ends the cell with reached = false (CI_NOT_REACHED in analyze).
 *
 * Optional stopping: looking at a CI after every request and stopping the first time it looks
 * narrow favours moments when the spread happens to be small, so the final CI covers less often
 * than it says. Looks are therefore limited: the first when the minimums are met, then only every
 * checkEvery requests (default 5), so a cell is looked at ≤ (maxCount − minCount)/k + 1 times and
 * each look adds k fresh requests. test/stopping-coverage.test.ts simulates it (README figures).
 *
 * The CI is the one `analyze` reports (same seed, same resamples, same samples), so the width
 * that stopped a cell is exactly the width in its summary. Times count timed windows only.
 */
import { median } from 'simple-statistics';
import { bootstrapMedianCI, DEFAULT_RESAMPLES } from '../stats/index.ts';
import type { RequestTrace, Shape } from '../results/schema.ts';
import type { CellStopping, StopReason, StoppingLook } from '../results/stopping-schema.ts';
import type { RepetitionPolicy } from '../config/policy.ts';
import { decodeTokensPerS } from '../analyze/metrics/decode-tokens-per-s.ts';
import { ttftMs } from '../analyze/metrics/ttft-ms.ts';

export const DEFAULT_CHECK_EVERY = 5;
export const STOP_CONFIDENCE = 0.95;

export type HeadlineMetric = CellStopping['metric'];

/** The metric the stopping rule watches: decode tok/s when the shape decodes ≥ 2 tokens, else TTFT. */
export function headlineMetric(shape: Shape): HeadlineMetric {
  return shape.genTokens >= 2 ? 'decodeTokensPerS' : 'ttftMs';
}

export function headlineSample(metric: HeadlineMetric, trace: RequestTrace): number | null {
  return metric === 'decodeTokensPerS' ? decodeTokensPerS(trace) : ttftMs(trace);
}

/** The timed window of a request: t_submit → its last token (ms). */
export function timedWindowMs(trace: RequestTrace): number {
  return trace.tokenTimesMs.at(-1) ?? 0;
}

/** One look: the CI `analyze` will report for these samples, and its half-width in % of the median. */
export function look(samples: readonly number[], timedS: number, opts: { seed: number; resamples?: number }): StoppingLook {
  const ci = bootstrapMedianCI(samples, { seed: opts.seed, confidence: STOP_CONFIDENCE, resamples: opts.resamples ?? DEFAULT_RESAMPLES });
  const m = median([...samples]);
  return {
    n: samples.length,
    timedS,
    median: m,
    lo: ci.lo,
    hi: ci.hi,
    halfWidthPct: m !== 0 ? ((ci.hi - ci.lo) / 2 / Math.abs(m)) * 100 : null,
  };
}

export function describeRule(p: RepetitionPolicy, metric: HeadlineMetric): string {
  const mins = `≥ ${p.minCount} requests and ≥ ${p.minTimeS} s of timed windows`;
  const caps = `capped at ${p.maxCount} requests or ${p.maxTimeS} s of timed windows`;
  if (p.targetCiPct === undefined) return `fixed: stop once ${mins}; ${caps}`;
  const k = p.checkEvery ?? DEFAULT_CHECK_EVERY;
  return `adaptive: after ${mins}, stop when the 95 % bootstrap CI of the median ${metric} has half-width ≤ ${p.targetCiPct} % of the median, looked at every ${k} requests and once more where a cap falls; ${caps} (then CI_NOT_REACHED when that last look misses the target)`;
}

export type Decision = { stop: false } | { stop: true; reason: StopReason };

/** The stopping state of one cell: feed it each measured trace, ask it before each request. */
export class StoppingRule {
  readonly metric: HeadlineMetric;
  private readonly samples: number[] = [];
  private readonly looks: StoppingLook[] = [];
  private measured = 0;
  private timedMs = 0;
  private nextLookAt: number | null = null;
  private reason: StopReason | null = null;

  constructor(
    private readonly p: RepetitionPolicy,
    shape: Shape,
    private readonly opts: { seed: number; resamples?: number },
  ) {
    this.metric = headlineMetric(shape);
  }

  get checkEvery(): number {
    return this.p.checkEvery ?? DEFAULT_CHECK_EVERY;
  }

  get timedS(): number {
    return this.timedMs / 1000;
  }

  get count(): number {
    return this.measured;
  }

  observe(trace: RequestTrace): void {
    this.measured++;
    this.timedMs += timedWindowMs(trace);
    const x = headlineSample(this.metric, trace);
    if (x !== null) this.samples.push(x);
  }

  /** Called before each measured request (and once more after the last). */
  decide(): Decision {
    const p = this.p;
    const metMin = this.measured >= p.minCount && this.timedS >= p.minTimeS;
    if (metMin && p.targetCiPct !== undefined) {
      this.nextLookAt ??= this.measured;
      if (this.measured >= this.nextLookAt && this.samples.length >= 2) {
        this.nextLookAt = this.measured + this.checkEvery;
        const l = look(this.samples, this.timedS, this.opts);
        this.looks.push(l);
        if (l.halfWidthPct !== null && l.halfWidthPct <= p.targetCiPct) return this.end('ci-reached');
      }
    } else if (metMin) {
      return this.end('min-reached');
    }
    const capped: StopReason | null = this.measured >= p.maxCount ? 'max-count' : this.timedS >= p.maxTimeS ? 'max-time' : null;
    if (capped === null) return { stop: false };
    // one more look where the cap falls (a point the data did not choose): a cell is CI_NOT_REACHED
    // only when the interval it ends with misses the target, never with a width that meets it
    if (metMin && p.targetCiPct !== undefined && this.samples.length >= 2 && this.looks.at(-1)?.n !== this.samples.length) {
      const l = look(this.samples, this.timedS, this.opts);
      this.looks.push(l);
      if (l.halfWidthPct !== null && l.halfWidthPct <= p.targetCiPct) return this.end('ci-reached');
    }
    return this.end(capped);
  }

  private end(reason: StopReason): Decision {
    this.reason = reason;
    return { stop: true, reason };
  }

  /** The record stored with the cell (computes a final look when the last one is stale). */
  record(wallS: number, interrupted = false): CellStopping {
    const reason: StopReason = interrupted ? 'interrupted' : (this.reason ?? 'interrupted');
    const last = this.looks.at(-1);
    // one sample has no interval: its width stays null rather than a misleading ±0 %
    if (this.samples.length >= 2 && (!last || last.n !== this.samples.length)) this.looks.push(look(this.samples, this.timedS, this.opts));
    const final = this.looks.at(-1) ?? null;
    const adaptive = this.p.targetCiPct !== undefined;
    return {
      rule: adaptive ? 'ci-half-width' : 'fixed',
      description: describeRule(this.p, this.metric),
      metric: this.metric,
      targetCiPct: this.p.targetCiPct ?? null,
      checkEvery: this.checkEvery,
      confidence: STOP_CONFIDENCE,
      resamples: this.opts.resamples ?? DEFAULT_RESAMPLES,
      seed: this.opts.seed,
      timeBasis: 'timed-windows',
      measured: this.measured,
      timedS: this.timedS,
      wallS,
      reason,
      reached: adaptive ? reason === 'ci-reached' : null,
      halfWidthPct: final?.halfWidthPct ?? null,
      looks: this.looks,
    };
  }
}
