/**
 * npm run bench:quality — what the quality pass adds to a run: llama-3.2-1b q4 on ort-node (and,
 * with --runner, any other) against its fp32 reference over the default stream, on this machine.
 * Prints the wall time of the pass (load of both models + the teacher-forced comparison; the fp32
 * reference is built once beforehand and not counted), the figures, and the machine load.
 * Usage: tsx scripts/bench-quality.ts [--model llama-3.2-1b] [--runner ort-node] [--dtype q4] [--tokens 1024] [--threads 2]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadRunner } from '../src/runners/registry.ts';
import { DEFAULT_QUALITY_TOKENS, runQualityJob } from '../src/quality/quality-job.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'llama-3.2-1b' },
    runner: { type: 'string', default: 'ort-node' },
    dtype: { type: 'string', default: 'q4' },
    tokens: { type: 'string', default: String(DEFAULT_QUALITY_TOKENS) },
    threads: { type: 'string', default: '2' },
  },
});
const log = (m: string) => process.stderr.write(`${m}\n`);
const threads = Number(values.threads);

// build (once) both sides outside the timed pass: a first run pays the build, every later one does not
const ortNode = await loadRunner('ort-node');
await ortNode.resolveModel(values.model, 'fp32', { style: 'optimum', log });
await (await loadRunner(values.runner)).resolveModel(values.model, values.dtype, { style: 'optimum', log });

const before = loadavg()[0]!;
const t0 = performance.now();
const r = await runQualityJob(
  { model: values.model, runner: values.runner, ep: 'cpu', dtype: values.dtype, threads, settings: {} },
  { tokens: Number(values.tokens), reference: 'fp32', log },
);
const wall = (performance.now() - t0) / 1000;
const f = r.figures;
console.log(
  `quality pass: ${values.model} ${values.runner} ${values.dtype} vs ${r.reference.runner} ${r.reference.dtype}, ${r.stream.tokens} tokens, ${threads} threads`,
);
console.log(`  time added: ${wall.toFixed(1)} s (target ≤ 120 s on 2 cores for the default stream)`);
console.log(
  `  same-top ${f.sameTopRate.toFixed(3)} · mean KL ${f.klMeanNats.toPrecision(3)} nats · p99 KL ${f.klP99Nats.toPrecision(3)} · Δp ${f.deltaPMean.toExponential(2)} · ${r.belowFloor.length ? `QUALITY_BELOW_FLOOR (${r.belowFloor.join('; ')})` : 'within its floor'} (${r.weights} weights)`,
);
console.log(
  `  machine: load average ${before.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after, on ${(await import('node:os')).cpus().length} logical cores`,
);
