/**
 * Drives one ladder level against a loaded model. The harness owns the clock here as in
 * measureCell: t_submit right before `generate`, t_i inside onToken; a retried request restarts
 * its clock (the wait is never timed) and counts a retry. Closed loop: `concurrency` workers, each
 * sending its next request when the last one ends. Open loop: Poisson arrivals; arrivals beyond
 * `maxInFlight` wait for a slot (scheduledMs keeps when they were due). A runner that serves one
 * request at a time (no `parallel`) gets its requests through a FIFO, the wait inside TTFT.
 * Bounded: `count` requests and `maxTimeS`, whichever comes first.
 */
import type { GenerateControl, LoadedModel } from '../runners/types.ts';
import { errorInfo } from '../errors.ts';
import { nowMs } from '../clock.ts';
import { genLength, promptLength, type CellWorkload } from '../measure/measure-cell.ts';
import { seededTokenIds } from '../measure/workload.ts';
import type { LevelSpec } from './plan.ts';
import type { LoadRequest } from './ladder-schema.ts';
import { poissonArrivalsMs } from './poisson.ts';

export interface LevelInput {
  model: LoadedModel;
  workload: CellWorkload;
  spec: LevelSpec;
  count: number;
  maxTimeS: number;
  seed: number;
  shouldStop(): boolean;
}

export interface LevelOutcome {
  requests: LoadRequest[];
  wallMs: number;
  truncated: boolean;
  startedAt: string;
}

/** A counting semaphore (FIFO). */
function semaphore(max: number) {
  let free = max;
  const queue: (() => void)[] = [];
  return {
    async take(): Promise<void> {
      if (free > 0) {
        free--;
        return;
      }
      await new Promise<void>((r) => queue.push(r));
    },
    give(): void {
      const next = queue.shift();
      if (next) next();
      else free++;
    },
  };
}

export async function driveLevel(inp: LevelInput): Promise<LevelOutcome> {
  const { model, workload: w } = inp;
  const context = seededTokenIds(w.shape.depth, w.vocabSize, w.seed + 7919);
  const prompt = w.promptIds ?? seededTokenIds(promptLength(w.shape), w.vocabSize, w.seed);
  const n = genLength(w.shape);
  // requests beyond what the runner can run at once wait here, and that wait is inside their TTFT
  const serial = model.parallel === undefined ? semaphore(1) : model.parallel.max === null ? null : semaphore(model.parallel.max);
  const startedAt = new Date().toISOString();
  const t0 = nowMs();
  const deadline = t0 + inp.maxTimeS * 1000;
  const requests: LoadRequest[] = [];
  let issued = 0;
  let truncated = false;
  const canIssue = () => {
    if (issued >= inp.count) return false;
    if (inp.shouldStop() || nowMs() >= deadline) {
      truncated = true;
      return false;
    }
    return true;
  };

  async function one(scheduledMs: number): Promise<void> {
    const times: number[] = [];
    let retries = 0;
    let promptTokens = prompt.length;
    let cachedTokens: number | null = null;
    let tSubmit = 0;
    const tArrive = nowMs();
    await serial?.take();
    const queuedMs = nowMs() - tArrive;
    try {
      const seq = await model.prepare(context); // untimed (the @d context), but a wait for the runner is timed
      tSubmit = nowMs() - queuedMs;
      const control: GenerateControl = {
        restartClock: () => {
          retries++;
          times.length = 0;
          tSubmit = nowMs();
        },
        setPromptTokens: (k) => void (promptTokens = k),
        setCachedTokens: (k) => void (cachedTokens = k),
      };
      await seq.generate(
        prompt,
        n,
        () => {
          if (times.length < n) times.push(nowMs() - tSubmit);
        },
        control,
      );
      const status = times.length === n ? 'ok' : 'errored';
      requests.push({
        scheduledMs,
        submitMs: tSubmit - t0,
        tokenTimesMs: times,
        promptTokens,
        cachedTokens,
        retries,
        status,
        ...(status === 'errored' && {
          error: { code: 'TOKEN_COUNT_MISMATCH', message: `runner emitted ${times.length} tokens, asked for ${n}` },
        }),
      });
    } catch (e) {
      requests.push({
        scheduledMs,
        submitMs: Math.max(0, (tSubmit || nowMs()) - t0),
        tokenTimesMs: times,
        promptTokens,
        cachedTokens,
        retries,
        status: 'errored',
        error: errorInfo(e),
      });
    } finally {
      serial?.give();
    }
  }

  if (inp.spec.mode === 'concurrency') {
    const worker = async () => {
      while (canIssue()) {
        issued++;
        await one(nowMs() - t0);
      }
    };
    await Promise.all(Array.from({ length: inp.spec.concurrency }, worker));
  } else {
    const slots = semaphore(inp.spec.maxInFlight);
    const arrivals = poissonArrivalsMs(inp.count, inp.spec.ratePerS, inp.seed);
    const running: Promise<void>[] = [];
    for (const at of arrivals) {
      const wait = t0 + at - nowMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, Math.max(0, deadline - nowMs()))));
      if (!canIssue()) break;
      issued++;
      await slots.take();
      running.push(one(at).finally(() => slots.give()));
    }
    await Promise.all(running);
  }
  requests.sort((a, b) => a.submitMs - b.submitMs);
  const ends = requests.map((r) => r.submitMs + (r.tokenTimesMs.at(-1) ?? 0));
  const first = requests.length ? Math.min(...requests.map((r) => r.submitMs)) : 0;
  return { requests, wallMs: requests.length ? Math.max(...ends) - first : 0, truncated, startedAt };
}
