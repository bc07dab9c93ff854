/**
 * npm run bench:llamacpp-fidelity — does edgebench's llama-cpp runner measure llama.cpp as fast as
 * llama.cpp's own llama-bench does? Same GGUF (edgebench's synthetic presets, q4_0), same llama.cpp
 * commit (built once from node-llama-cpp's bundled source, see llamacpp-fidelity/build-llama-bench.ts),
 * same settings (the llama-bench defaults: flash attention auto, n_ubatch 512), same threads,
 * interleaved A B, B A, … rounds; prints each side's settings, the medians and edgebench ÷
 * llama-bench with a bootstrap 95 % CI, and the load average before and after.
 *
 * At 1 thread the ratio is the definition difference alone (edgebench's TTFT includes sampling the
 * first token; its decode rate times t₁→t_N with greedy sampling and a JS round trip per token);
 * at 2+ threads it also holds node-llama-cpp's per-decode thread start-up (README "llama.cpp").
 * Not part of `npm test`.
 * Usage: tsx scripts/bench-llamacpp-fidelity.ts [--models llama-3.2-1b,qwen2.5-0.5b] [--threads 2]
 *        [--shapes pp512,tg128] [--rounds 4] [--reps 3] [--fa auto|on|off] [--build prebuilt-libs|source]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseShape } from '../src/config/shapes.ts';
import { compareSamples } from '../src/compare/compare-samples.ts';
import { kvTokensOf, measureCell } from '../src/measure/measure-cell.ts';
import type { RequestTrace, Shape } from '../src/results/schema.ts';
import { llamaCppRunner } from '../src/runners/llama-cpp/llama-cpp-runner.ts';
import { resolveGgufModel } from '../src/runners/llama-cpp/resolve-gguf.ts';
import { ensureLlamaBench, type LlamaBenchBuildMode } from './llamacpp-fidelity/build-llama-bench.ts';
import { llamaBenchArgs, runLlamaBench, type LlamaBenchRow } from './llamacpp-fidelity/run-llama-bench.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'llama-3.2-1b,qwen2.5-0.5b' },
    threads: { type: 'string', default: '2' },
    shapes: { type: 'string', default: 'pp512,tg128' },
    rounds: { type: 'string', default: '4' },
    reps: { type: 'string', default: '3' },
    fa: { type: 'string', default: 'auto' },
    build: { type: 'string', default: 'prebuilt-libs' },
  },
});
const log = (m: string) => process.stderr.write(`${m}\n`);
const bounded = (name: string, v: string, lo: number, hi: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    log(`error: --${name} must be an integer in [${lo}, ${hi}], got '${v}'`);
    process.exit(2);
  }
  return n;
};
const rounds = bounded('rounds', values.rounds!, 1, 50);
const reps = bounded('reps', values.reps!, 1, 50);
const threadList = values.threads!.split(',').map((t) => bounded('threads', t, 1, 256));
const fa = values.fa!;
const build = values.build!;
if (!['auto', 'on', 'off'].includes(fa) || !['prebuilt-libs', 'source'].includes(build)) {
  log('error: --fa is auto | on | off and --build is prebuilt-libs | source');
  process.exit(2);
}
const shapes = values.shapes!.split(',').map((s) => parseShape(s));
for (const s of shapes) {
  if (s.depth > 0 || (s.promptTokens > 0 && s.genTokens > 0)) {
    log(`error: shape '${s.name}': use plain pp<N> or tg<M> (llama-bench's pp and tg tests)`);
    process.exit(2);
  }
}
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** edgebench's figure for a request, as the run table shows it: prefill t/s for pp, decode t/s for tg. */
function edgebenchRate(s: Shape, r: RequestTrace): number {
  const t = r.tokenTimesMs;
  if (s.genTokens === 0) return (r.promptTokens / t[0]!) * 1000;
  return ((t.length - 1) / (t[t.length - 1]! - t[0]!)) * 1000;
}

interface Row {
  model: string;
  threads: number;
  shape: string;
  lb: number[];
  eb: number[];
  lbRow: LlamaBenchRow | null;
}

const lbFlags = ['-fa', fa, '-b', '2048', '-ub', '512'];
const ebSettings: Record<string, boolean> = fa === 'auto' ? {} : { flashAttention: fa === 'on' };

log(`load average before: ${load()} (1 / 5 / 15 min)`);
const lb = await ensureLlamaBench(build as LlamaBenchBuildMode, log);
log(`llama-bench: ${lb.bin} — ${lb.note}, llama.cpp ${lb.commit.slice(0, 10)}`);
const rows: Row[] = [];
const ebSettingsSeen = new Map<string, Record<string, unknown>>();
for (const preset of values.models!.split(',')) {
  const m = await resolveGgufModel(preset, 'q4_0', { log });
  for (const threads of threadList) {
    const loaded = await llamaCppRunner.load(m.source, { ep: 'cpu', threads, settings: ebSettings, kvTokens: kvTokensOf(shapes) });
    ebSettingsSeen.set(`${preset} t${threads}`, loaded.resolved.settings);
    try {
      for (const shape of shapes) {
        const row: Row = { model: preset, threads, shape: shape.name, lb: [], eb: [], lbRow: null };
        const test = { model: m.source.file!, promptTokens: shape.promptTokens, genTokens: shape.genTokens, threads, reps, flags: lbFlags };
        const runLb = async () => {
          row.lbRow = await runLlamaBench(lb.bin, test);
          row.lb.push(...row.lbRow.samples_ts);
        };
        const runEb = async () => {
          const policy = { warmup: 1, minCount: reps, minTimeS: 0, maxCount: reps, maxTimeS: 1e9, cooldownS: 0 };
          const traces = await measureCell(loaded, { shape, vocabSize: m.vocabSize, seed: 42 }, policy);
          row.eb.push(...traces.filter((r) => r.phase === 'measured').map((r) => edgebenchRate(shape, r)));
        };
        for (let r = 0; r < rounds; r++) {
          // A B, B A, …: drift and the other jobs on the machine hit both sides alike
          if (r % 2 === 0) {
            await runLb();
            await runEb();
          } else {
            await runEb();
            await runLb();
          }
          log(
            `  ${preset} t${threads} ${shape.name} round ${r + 1}/${rounds}: llama-bench ${median(row.lb).toFixed(1)} t/s, edgebench ${median(row.eb).toFixed(1)} t/s (load ${loadavg()[0]!.toFixed(1)})`,
          );
        }
        rows.push(row);
      }
    } finally {
      await loaded[Symbol.asyncDispose]();
    }
  }
}

const out: string[] = [];
out.push('', `## llama-bench vs edgebench llama-cpp (same GGUF, same llama.cpp ${lb.commit.slice(0, 10)}, synthetic weights)`, '');
out.push(
  `llama-bench: ${lb.note}; flags ${llamaBenchArgs({ model: '<gguf>', promptTokens: 0, genTokens: 0, threads: 0, reps, flags: lbFlags }).slice(2).join(' ')} (per test: -p/-n/-t)`,
);
const first = rows.find((r) => r.lbRow)?.lbRow;
if (first)
  out.push(
    `llama-bench reports: n_batch ${first.n_batch}, n_ubatch ${first.n_ubatch}, flash_attn ${first.flash_attn} (-1 = auto), KV ${first.type_k}/${first.type_v}, poll ${first.poll}, build ${first.build_commit}`,
  );
for (const [k, s] of ebSettingsSeen) {
  out.push(
    `edgebench ${k}: ${['defaults', 'contextSize', 'batchSize', 'ubatchSize', 'flashAttention', 'flashAttentionSetting', 'threads'].map((f) => `${f} ${String(s[f])}`).join(', ')}`,
  );
}
out.push(
  `${rounds} interleaved rounds × ${reps} repetitions per side; edgebench: prefill t/s = prompt ÷ TTFT (pp), decode t/s = (N−1) ÷ (t_N − t_1) (tg)`,
  '',
);
out.push('| model | threads | test | llama-bench t/s | edgebench t/s | edgebench ÷ llama-bench [95 % CI] |', '|---|--:|---|--:|--:|---|');
for (const r of rows) {
  const c = compareSamples(r.lb, r.eb, 'higher-is-better', { seed: 1, resamples: 4000, confidence: 0.95 });
  const ci = c.ratioCi ? `[${c.ratioCi.lo.toFixed(3)}, ${c.ratioCi.hi.toFixed(3)}]` : '';
  out.push(
    `| ${r.model} (synthetic) | ${r.threads} | ${r.shape} | ${c.baselineMedian.toFixed(1)} | ${c.headMedian.toFixed(1)} | ${c.ratio?.toFixed(3) ?? 'n/a'} ${ci} |`,
  );
}
out.push('', 'Definition differences inside these ratios (sizes measured in README "llama.cpp as llama-bench measures it"):');
out.push("- pp: edgebench's TTFT also holds greedy sampling of the first token over the whole vocabulary and the JS round trips (≈ 2 ms);");
out.push(
  '- tg: edgebench leaves out the first token and adds greedy sampling + one evaluate-loop round trip per token (≈ 2 ms/token at 1 thread);',
);
out.push(
  '- threads > 1: node-llama-cpp attaches no ggml threadpool, so every llama_decode starts and joins threads − 1 workers (llama-bench keeps one pool).',
);
out.push(
  '',
  `load average after: ${load()} (1 / 5 / 15 min) on ${process.platform}-${process.arch}; machine shared with other jobs unless it was idle`,
);
process.stdout.write(`${out.join('\n')}\n`);
