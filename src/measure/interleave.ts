/**
 * Round-robin measurement of several arms (cells) on loaded models: every arm gets its cold
 * request, warmups alternate, then measured requests go one per arm per round, so a slow drift of
 * the machine (other tenants, temperature, turbo budget) spreads over all arms instead of landing
 * on whichever cell ran last. The starting arm rotates each round (round r starts at arm r mod n),
 * so no arm always follows the same other one. Each arm has its own stopping rule (minimums, CI
 * target, caps); an arm that has stopped drops out of the rotation and the others go on.
 *
 * Used by `run --interleave` (the shapes of one loaded model) and scripts/bench-stopping.ts
 * (an adaptive and a fixed arm on the same model).
 */
import type { LoadedModel } from '../runners/types.ts';
import type { RequestTrace } from '../results/schema.ts';
import type { CellStopping } from '../results/stopping-schema.ts';
import type { RepetitionPolicy } from '../config/policy.ts';
import { nowMs } from '../clock.ts';
import { timedRequest, type CellWorkload } from './measure-cell.ts';
import { StoppingRule } from './stopping.ts';

export const INTERLEAVE_ORDER = 'round-robin, start rotating by one arm each round';

export interface InterleaveArm {
  model: LoadedModel;
  workload: CellWorkload;
  policy: RepetitionPolicy;
}

export interface InterleaveArmResult {
  requests: RequestTrace[];
  stopping: CellStopping;
}

export interface InterleaveResult {
  arms: InterleaveArmResult[];
  /** arm index of every measured request, in the order they ran */
  order: number[];
}

/** Arms in the order they run in round r (only those still measuring). */
export function roundOrder(n: number, round: number): number[] {
  return Array.from({ length: n }, (_, i) => (i + round) % n);
}

/** Measure the arms round-robin; null when stopped from outside (nothing is kept then). */
export async function measureInterleaved(
  arms: readonly InterleaveArm[],
  shouldStop: () => boolean = () => false,
  onRequest: (arm: number, done: number) => void = () => {},
): Promise<InterleaveResult | null> {
  const traces: RequestTrace[][] = arms.map(() => []);
  // an arm's wall time: its own requests (timed windows + untimed context fill), not the others'
  const wallMs = arms.map(() => 0);
  const rules = arms.map((a) => new StoppingRule(a.policy, a.workload.shape, { seed: a.workload.seed }));
  const t0 = arms.map(() => 0);
  const request = async (i: number, phase: RequestTrace['phase']) => {
    const start = nowMs();
    const t = await timedRequest(arms[i]!.model, arms[i]!.workload, traces[i]!.length, phase, phase === 'measured' ? start - t0[i]! : 0);
    traces[i]!.push(t);
    if (phase === 'measured') {
      wallMs[i]! += nowMs() - start;
      rules[i]!.observe(t);
    }
    return t;
  };
  for (let i = 0; i < arms.length; i++) await request(i, 'cold');
  const maxWarmup = Math.max(0, ...arms.map((a) => a.policy.warmup));
  for (let w = 0; w < maxWarmup && !shouldStop(); w++) {
    for (let i = 0; i < arms.length; i++) if (w < arms[i]!.policy.warmup) await request(i, 'warmup');
  }
  const started = nowMs();
  t0.fill(started);
  const done = arms.map(() => false);
  const order: number[] = [];
  for (let round = 0; done.some((d) => !d); round++) {
    for (const i of roundOrder(arms.length, round)) {
      if (shouldStop()) return null;
      if (done[i] || (done[i] = rules[i]!.decide().stop)) continue;
      await request(i, 'measured');
      order.push(i);
      onRequest(i, rules[i]!.count);
      const cool = arms[i]!.policy.cooldownS;
      if (cool > 0) await new Promise<void>((r) => setTimeout(r, cool * 1000));
    }
  }
  return { arms: rules.map((r, i) => ({ requests: traces[i]!, stopping: r.record(wallMs[i]! / 1000) })), order };
}
