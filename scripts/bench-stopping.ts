/**
 * npm run bench:stopping — how much sooner the adaptive stopping rule gives a number you can
 * trust. llama-3.2-1b q4 on ort-node (CPU), pp512 and tg128: an adaptive arm (stop when the 95 %
 * CI of the headline metric is within ±2 %) and a fixed arm (the old publish rule: ≥ 30 requests
 * and ≥ 600 s of timed windows) on the SAME loaded model, requests interleaved round-robin
 * (src/measure/interleave.ts) so both arms see the same machine.
 *
 * The fixed publish rule needs ≥ 600 s per cell, more than a session here can spend, so its arm is
 * capped at --fixed-cap-s of timed windows (default 120 s) and said so. Printed per shape: each
 * arm's wall time, requests and median [95 % CI]; the measured time ratio (fixed-capped ÷ adaptive:
 * a lower bound of the real one); the ratio against the full publish rule, projected from the
 * fixed arm's own request times (an estimate, labelled); and whether the two medians fall within
 * each other's CIs.
 * Usage: tsx scripts/bench-stopping.ts [--model llama-3.2-1b] [--threads 2] [--shapes pp512,tg128]
 *        [--target 2] [--min-count 10] [--min-time 20] [--max-count 60] [--max-time 240] [--fixed-cap-s 120] [--warmup 2]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseShape } from '../src/config/shapes.ts';
import type { RepetitionPolicy } from '../src/config/policy.ts';
import { measureInterleaved } from '../src/measure/interleave.ts';
import { headlineSample } from '../src/measure/stopping.ts';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import { startMachineLoad } from '../src/probes/machine-load.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { summarize } from '../src/stats/index.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'llama-3.2-1b' },
    threads: { type: 'string', default: '2' },
    shapes: { type: 'string', default: 'pp512,tg128' },
    target: { type: 'string', default: '2' },
    'min-count': { type: 'string', default: '10' },
    'min-time': { type: 'string', default: '20' },
    'max-count': { type: 'string', default: '60' },
    'max-time': { type: 'string', default: '240' },
    'fixed-cap-s': { type: 'string', default: '120' },
    warmup: { type: 'string', default: '2' },
  },
});
const log = (m: string) => process.stderr.write(`${m}\n`);
const PUBLISH = { minCount: 30, minTimeS: 600 };
const SEED = 42;
const f = (x: number, d = 1) => x.toFixed(d);

async function main(): Promise<void> {
  const threads = Number(values.threads);
  const fixedCap = Number(values['fixed-cap-s']);
  const adaptive: RepetitionPolicy = {
    warmup: Number(values.warmup),
    minCount: Number(values['min-count']),
    minTimeS: Number(values['min-time']),
    maxCount: Number(values['max-count']),
    maxTimeS: Number(values['max-time']),
    cooldownS: 0,
    targetCiPct: Number(values.target),
    checkEvery: 5,
  };
  // the publish rule's fixed counts, with its ≥ 600 s cut to the cap (maxTimeS = minTimeS = cap)
  const fixed: RepetitionPolicy = {
    warmup: Number(values.warmup),
    minCount: PUBLISH.minCount,
    minTimeS: fixedCap,
    maxCount: 1000,
    maxTimeS: fixedCap,
    cooldownS: 0,
  };
  const m = await resolveOnnxModel(values.model!, 'q4', { style: 'optimum', log });
  const model = await ortNodeRunner.load(m.source, { ep: 'cpu', threads, settings: {} });
  log(
    `${m.info.id} q4, ort-node cpu, ${threads} threads; load avg ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (machine shared with other jobs)`,
  );
  const lines: string[] = [];
  try {
    for (const name of values.shapes!.split(',').filter(Boolean)) {
      const shape = parseShape(name);
      const workload = { shape, vocabSize: m.vocabSize, seed: SEED };
      log(`${shape.name}: adaptive (±${adaptive.targetCiPct} %) and fixed (publish counts, capped at ${fixedCap} s) interleaved…`);
      const machine = startMachineLoad();
      const r = await measureInterleaved(
        [
          { model, workload, policy: adaptive },
          { model, workload, policy: fixed },
        ],
        () => false,
        (arm, n) => {
          if (n % 5 === 0) log(`  ${arm === 0 ? 'adaptive' : 'fixed'}: ${n} requests`);
        },
      );
      const load = machine.stop();
      const [a, b] = r!.arms;
      const metric = a!.stopping.metric;
      const stats = (x: typeof a) =>
        summarize(
          x!.requests.filter((t) => t.phase === 'measured').map((t) => headlineSample(metric, t)!),
          { seed: SEED },
        );
      const sa = stats(a);
      const sb = stats(b);
      const within = sa.median >= sb.ci95.lo && sa.median <= sb.ci95.hi && sb.median >= sa.ci95.lo && sb.median <= sa.ci95.hi;
      const measuredRatio = b!.stopping.wallS / a!.stopping.wallS;
      // the full publish rule would run until ≥ 30 requests AND ≥ 600 s of timed windows
      const perReqTimed = b!.stopping.timedS / b!.stopping.measured;
      const perReqWall = b!.stopping.wallS / b!.stopping.measured;
      const publishN = Math.max(PUBLISH.minCount, Math.ceil(PUBLISH.minTimeS / perReqTimed));
      const publishWallS = publishN * perReqWall;
      const unit = metric === 'ttftMs' ? 'ms TTFT' : 'tok/s decode';
      lines.push(
        `${shape.name} (${unit}; other processes ${load.otherCores.toFixed(2)} of ${load.logicalCores} cores, steal ${load.stealPct?.toFixed(1) ?? 'n/a'} %):`,
        `  adaptive ±${adaptive.targetCiPct} %: ${a!.stopping.measured} requests, ${f(a!.stopping.wallS)} s wall (${f(a!.stopping.timedS)} s timed), ${a!.stopping.reached ? 'CI reached' : 'CI_NOT_REACHED'} ±${a!.stopping.halfWidthPct?.toFixed(2)} %, median ${f(sa.median, 2)} [${f(sa.ci95.lo, 2)}–${f(sa.ci95.hi, 2)}]`,
        `  fixed (publish counts, capped at ${fixedCap} s timed): ${b!.stopping.measured} requests, ${f(b!.stopping.wallS)} s wall, CI ±${b!.stopping.halfWidthPct?.toFixed(2)} %, median ${f(sb.median, 2)} [${f(sb.ci95.lo, 2)}–${f(sb.ci95.hi, 2)}]`,
        `  time ratio measured (fixed-capped ÷ adaptive): ${f(measuredRatio, 2)}× (a lower bound: the real publish arm runs ≥ 600 s)`,
        `  time ratio vs the full publish rule (estimate: ${publishN} requests × ${f(perReqWall, 2)} s = ${f(publishWallS)} s ÷ ${f(a!.stopping.wallS)} s): ${f(publishWallS / a!.stopping.wallS, 1)}× (target ≥ 3×)`,
        `  medians within each other's 95 % CIs: ${within ? 'yes' : 'NO'}`,
      );
    }
  } finally {
    await model[Symbol.asyncDispose]();
  }
  console.log(lines.join('\n'));
  console.log(
    `load avg at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; arms interleaved request by request on one loaded model.`,
  );
}

await main();
process.exit(0);
