/**
 * Measures one matrix cell on a loaded model: one cold request (first after load, reported as
 * cold start), warmup requests (discarded), then measured requests until both the minimum count
 * and the minimum time are met, within the caps. The harness owns every clock reading: t_submit
 * is taken right before the runner gets the token ids, t_i inside the runner's onToken callback.
 */
import type { LoadedModel } from '../runners/types.ts';
import type { RequestTrace, Shape } from '../results/schema.ts';
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

/** One timed request: t_submit right before generate, t_i inside onToken. Shared by measureCell and A/B interleaving. */
export async function timedRequest(model: LoadedModel, w: CellWorkload, index: number, phase: RequestTrace['phase'], offsetMs: number): Promise<RequestTrace> {
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
    restartClock: () => { emitted = 0; startedAt = new Date().toISOString(); tSubmit = nowMs(); },
    setPromptTokens: (k: number) => { promptTokens = k; },
  };
  await seq.generate(prompt, n, () => {
    if (emitted < n) times[emitted] = nowMs() - tSubmit;
    emitted++;
  }, control);
  if (emitted !== n) throw new Error(`runner emitted ${emitted} tokens, asked for ${n} (EOS must be ignored)`);
  return { index, phase, promptTokens, depth: w.shape.depth, tokenTimesMs: times, startedAt, offsetMs, submitClockMs: tSubmit };
}

export async function measureCell(
  model: LoadedModel,
  w: CellWorkload,
  p: RepetitionPolicy,
  onProgress: (pr: MeasureProgress) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<RequestTrace[]> {
  const traces: RequestTrace[] = [];
  let index = 0;
  traces.push(await timedRequest(model, w, index++, 'cold', 0));
  for (let i = 0; i < p.warmup && !shouldStop(); i++) {
    onProgress({ phase: 'warmup', done: i, expected: p.minCount });
    traces.push(await timedRequest(model, w, index++, 'warmup', 0));
  }
  const t0 = nowMs();
  let measured = 0;
  for (;;) {
    const elapsedS = (nowMs() - t0) / 1000;
    const metMin = measured >= p.minCount && elapsedS >= p.minTimeS;
    const hitCap = measured >= p.maxCount || elapsedS >= p.maxTimeS;
    if (metMin || hitCap || shouldStop()) break;
    const perReqS = measured > 0 ? elapsedS / measured : 0;
    const expected = Math.min(p.maxCount, Math.max(p.minCount, perReqS > 0 ? Math.ceil(p.minTimeS / perReqS) : p.minCount));
    onProgress({ phase: 'measured', done: measured, expected });
    traces.push(await timedRequest(model, w, index++, 'measured', nowMs() - t0));
    measured++;
    if (p.cooldownS > 0) await sleep(p.cooldownS * 1000);
  }
  onProgress({ phase: 'measured', done: measured, expected: measured });
  return traces;
}
