/**
 * Measures one matrix cell on a loaded model: one cold request (first after load, reported as
 * cold start), warmup requests (discarded), then measured requests until the stopping rule
 * (src/measure/stopping.ts: minimum count and timed time, optional CI target, caps) says stop.
 * The harness owns every clock reading: t_submit is taken right before the runner gets the
 * token ids, t_i inside the runner's onToken callback.
 */
import type { LoadedModel } from '../runners/types.ts';
import type { RequestTrace, Shape } from '../results/schema.ts';
import type { CellStopping } from '../results/stopping-schema.ts';
import { StoppingRule } from './stopping.ts';
import type { RepetitionPolicy } from '../config/policy.ts';
import { nowMs } from '../clock.ts';
import { seededTokenIds } from './workload.ts';

export interface CellWorkload {
  shape: Shape;
  vocabSize: number;
  seed: number;
  /** token ids of a text prompt (overrides the seeded prompt of promptTokens length) */
  promptIds?: number[];
}

export interface MeasureProgress {
  phase: RequestTrace['phase'];
  done: number;
  /** expected measured requests from the policy and the time so far */
  expected: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** tg-only shapes still need one input token to start from (llama-bench feeds one too). */
export function promptLength(shape: Shape): number {
  return Math.max(1, shape.promptTokens);
}

export function genLength(shape: Shape): number {
  return Math.max(1, shape.genTokens);
}

/** The KV-cache tokens the largest of these shapes needs with a seeded prompt (depth + prompt + generated). */
export function kvTokensOf(shapes: Shape[]): number {
  return Math.max(0, ...shapes.map((s) => s.depth + promptLength(s) + genLength(s)));
}

/** One timed request: t_submit right before generate, t_i inside onToken. Shared by measureCell and A/B interleaving. */
export async function timedRequest(
  model: LoadedModel,
  w: CellWorkload,
  index: number,
  phase: RequestTrace['phase'],
  offsetMs: number,
): Promise<RequestTrace> {
  const context = seededTokenIds(w.shape.depth, w.vocabSize, w.seed + 7919);
  const prompt = w.promptIds ?? seededTokenIds(promptLength(w.shape), w.vocabSize, w.seed);
  const seq = await model.prepare(context);
  const n = genLength(w.shape);
  const times = new Array<number>(n);
  let emitted = 0;
  let startedAt = new Date().toISOString();
  let promptTokens = prompt.length;
  let tSubmit = nowMs();
  // a retried request (remote runners) restarts its timing: failed attempts and waits are never timed
  const control = {
    restartClock: () => {
      emitted = 0;
      startedAt = new Date().toISOString();
      tSubmit = nowMs();
    },
    setPromptTokens: (k: number) => {
      promptTokens = k;
    },
  };
  await seq.generate(
    prompt,
    n,
    () => {
      if (emitted < n) times[emitted] = nowMs() - tSubmit;
      emitted++;
    },
    control,
  );
  if (emitted !== n) throw new Error(`runner emitted ${emitted} tokens, asked for ${n} (EOS must be ignored)`);
  return { index, phase, promptTokens, depth: w.shape.depth, tokenTimesMs: times, startedAt, offsetMs, submitClockMs: tSubmit };
}

/** Expected measured requests for a progress bar: the minimums at the pace so far (more when a CI target is still open). */
function expectedCount(p: RepetitionPolicy, measured: number, timedS: number): number {
  const perReqS = measured > 0 ? timedS / measured : 0;
  const forTime = perReqS > 0 ? Math.ceil(p.minTimeS / perReqS) : p.minCount;
  return Math.min(p.maxCount, Math.max(p.minCount, forTime, measured + 1));
}

export interface MeasuredCell {
  requests: RequestTrace[];
  stopping: CellStopping;
}

/** measureCell with the stopping record (the rule applied and why the cell stopped). */
export async function measureCellStopping(
  model: LoadedModel,
  w: CellWorkload,
  p: RepetitionPolicy,
  onProgress: (pr: MeasureProgress) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<MeasuredCell> {
  const traces: RequestTrace[] = [];
  let index = 0;
  traces.push(await timedRequest(model, w, index++, 'cold', 0));
  for (let i = 0; i < p.warmup && !shouldStop(); i++) {
    onProgress({ phase: 'warmup', done: i, expected: p.minCount });
    traces.push(await timedRequest(model, w, index++, 'warmup', 0));
  }
  // the bootstrap seed is the run's seed, so the CI that stops the cell is the one analyze reports
  const rule = new StoppingRule(p, w.shape, { seed: w.seed });
  const t0 = nowMs();
  while (!shouldStop() && !rule.decide().stop) {
    onProgress({ phase: 'measured', done: rule.count, expected: expectedCount(p, rule.count, rule.timedS) });
    const trace = await timedRequest(model, w, index++, 'measured', nowMs() - t0);
    traces.push(trace);
    rule.observe(trace);
    if (p.cooldownS > 0) await sleep(p.cooldownS * 1000);
  }
  onProgress({ phase: 'measured', done: rule.count, expected: rule.count });
  return { requests: traces, stopping: rule.record((nowMs() - t0) / 1000, shouldStop()) };
}

export async function measureCell(
  model: LoadedModel,
  w: CellWorkload,
  p: RepetitionPolicy,
  onProgress: (pr: MeasureProgress) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<RequestTrace[]> {
  return (await measureCellStopping(model, w, p, onProgress, shouldStop)).requests;
}
