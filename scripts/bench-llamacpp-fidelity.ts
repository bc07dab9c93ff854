/**
 * npm run bench:llamacpp-fidelity — does edgebench's llama-cpp runner measure llama.cpp as fast as
 * llama.cpp's own llama-bench does? Same GGUF (edgebench's synthetic presets, q4_0), same llama.cpp
 * commit and the same llama.cpp libraries (llama-bench is built once from node-llama-cpp's bundled
 * source and linked to the libraries the runner loads: its prebuilt ones, or the local OpenMP build
 * of `npm run build:llamacpp-local`; see llamacpp-fidelity/build-llama-bench.ts), same settings
 * (the llama-bench defaults: flash attention auto, n_ubatch 512), same threads, interleaved rounds
 * (A B C, C B A, …). Three sides: llama-bench, the runner through the harness, and node-llama-cpp
 * decode-only on the runner's own context (llama-bench's definition: no sampling), so the printed
 * table separates the driving path (decode-only ÷ llama-bench) from the sampling step edgebench
 * keeps (edgebench − decode-only). Prints each side's settings and the load average before and after.
 * Not part of `npm test`.
 * Usage: tsx scripts/bench-llamacpp-fidelity.ts [--models llama-3.2-1b,qwen2.5-0.5b] [--threads 2]
 *        [--shapes pp512,tg128] [--rounds 4] [--reps 2] [--fa auto|on|off]
 *        [--binary auto|prebuilt|local] [--build same|prebuilt-libs|local-libs|source]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseShape } from '../src/config/shapes.ts';
import { kvTokensOf, measureCell } from '../src/measure/measure-cell.ts';
import type { RequestTrace, Shape } from '../src/results/schema.ts';
import { loadLlamaCpp } from '../src/runners/llama-cpp/llama-cpp-runner.ts';
import { resolveGgufModel } from '../src/runners/llama-cpp/resolve-gguf.ts';
import { LLAMA_CPP_BINARIES, type LlamaCppBinary } from '../src/runners/llama-cpp/settings.ts';
import { ensureLlamaBench, LLAMA_BENCH_BUILD_MODES, type LlamaBenchBuildMode } from './llamacpp-fidelity/build-llama-bench.ts';
import { decodeOnly } from './llamacpp-fidelity/decode-only.ts';
import { DEFINITIONS, fidelityTable, type FidelityRow } from './llamacpp-fidelity/report.ts';
import { llamaBenchArgs, runLlamaBench, type LlamaBenchRow } from './llamacpp-fidelity/run-llama-bench.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'llama-3.2-1b,qwen2.5-0.5b' },
    threads: { type: 'string', default: '2' },
    shapes: { type: 'string', default: 'pp512,tg128' },
    rounds: { type: 'string', default: '4' },
    reps: { type: 'string', default: '2' },
    fa: { type: 'string', default: 'auto' },
    binary: { type: 'string', default: 'auto' },
    build: { type: 'string', default: 'same' },
  },
});
const log = (m: string) => process.stderr.write(`${m}\n`);
const fail = (m: string): never => {
  log(`error: ${m}`);
  process.exit(2);
};
const bounded = (name: string, v: string, lo: number, hi: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) fail(`--${name} must be an integer in [${lo}, ${hi}], got '${v}'`);
  return n;
};
const oneOf = <T extends string>(name: string, v: string, allowed: readonly T[]): T =>
  (allowed as readonly string[]).includes(v) ? (v as T) : fail(`--${name} is ${allowed.join(' | ')}, got '${v}'`);
const rounds = bounded('rounds', values.rounds!, 1, 50);
const reps = bounded('reps', values.reps!, 1, 50);
const threadList = values.threads!.split(',').map((t) => bounded('threads', t, 1, 256));
const fa = oneOf('fa', values.fa!, ['auto', 'on', 'off'] as const);
const binary = oneOf<LlamaCppBinary>('binary', values.binary!, LLAMA_CPP_BINARIES);
const buildArg = oneOf<LlamaBenchBuildMode | 'same'>('build', values.build!, ['same', ...LLAMA_BENCH_BUILD_MODES]);
const shapes = values.shapes!.split(',').map((s) => parseShape(s));
for (const s of shapes) {
  if (s.depth > 0 || (s.promptTokens > 0 && s.genTokens > 0))
    fail(`shape '${s.name}': use plain pp<N> or tg<M> (llama-bench's pp and tg tests)`);
}
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

/** edgebench's figure for a request, as the run table shows it: prefill t/s for pp, decode t/s for tg. */
function edgebenchRate(s: Shape, r: RequestTrace): number {
  const t = r.tokenTimesMs;
  if (s.genTokens === 0) return (r.promptTokens / t[0]!) * 1000;
  return ((t.length - 1) / (t[t.length - 1]! - t[0]!)) * 1000;
}

const lbFlags = ['-fa', fa, '-b', '2048', '-ub', '512'];
const ebSettings: Record<string, string | boolean> = { binary, ...(fa === 'auto' ? {} : { flashAttention: fa === 'on' }) };

const loadBefore = loadavg()[0]!;
log(`load average before: ${load()} (1 / 5 / 15 min)`);
const rows: FidelityRow[] = [];
const ebSettingsSeen = new Map<string, Record<string, unknown>>();
let lb: Awaited<ReturnType<typeof ensureLlamaBench>> | null = null;
let lbFirst: LlamaBenchRow | null = null;
for (const preset of values.models!.split(',')) {
  const m = await resolveGgufModel(preset, 'q4_0', { log });
  for (const threads of threadList) {
    const loaded = await loadLlamaCpp(m.source, { ep: 'cpu', threads, settings: ebSettings, kvTokens: kvTokensOf(shapes) });
    const s = loaded.resolved.settings;
    ebSettingsSeen.set(`${preset} t${threads}`, s);
    // llama-bench links to the libraries the runner loaded (once: one binary per process)
    if (!lb) {
      const mode: LlamaBenchBuildMode = buildArg !== 'same' ? buildArg : s.buildType === 'localBuild' ? 'local-libs' : 'prebuilt-libs';
      lb = await ensureLlamaBench(mode, log);
      log(`llama-bench: ${lb.bin} — ${lb.note}, llama.cpp ${lb.commit.slice(0, 10)}; edgebench: ${String(s.binary)}`);
    }
    const bench = lb;
    try {
      for (const shape of shapes) {
        const row: FidelityRow = {
          model: preset,
          threads,
          shape: shape.name,
          promptTokens: shape.promptTokens,
          genTokens: shape.genTokens,
          lb: [],
          eb: [],
          decodeOnly: [],
        };
        const test = { model: m.source.file!, promptTokens: shape.promptTokens, genTokens: shape.genTokens, threads, reps, flags: lbFlags };
        const sides = [
          async () => {
            const r = await runLlamaBench(bench.bin, test);
            lbFirst ??= r;
            row.lb.push(...r.samples_ts);
          },
          async () => {
            const policy = { warmup: 1, minCount: reps, minTimeS: 0, maxCount: reps, maxTimeS: 1e9, cooldownS: 0 };
            const traces = await measureCell(loaded, { shape, vocabSize: m.vocabSize, seed: 42 }, policy);
            row.eb.push(...traces.filter((r) => r.phase === 'measured').map((r) => edgebenchRate(shape, r)));
          },
          async () => row.decodeOnly.push(...(await decodeOnly(loaded.sequence, m.vocabSize, shape.promptTokens, shape.genTokens, reps))),
        ];
        for (let r = 0; r < rounds; r++) {
          // A B C, C B A, …: drift and the other jobs on the machine hit every side alike
          for (const side of r % 2 === 0 ? sides : [...sides].reverse()) await side();
          const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!.toFixed(1);
          log(
            `  ${preset} t${threads} ${shape.name} round ${r + 1}/${rounds}: llama-bench ${med(row.lb)}, edgebench ${med(row.eb)}, decode-only ${med(row.decodeOnly)} t/s (load ${loadavg()[0]!.toFixed(1)})`,
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
out.push(
  '',
  `## llama-bench vs edgebench llama-cpp (same GGUF, same llama.cpp ${lb!.commit.slice(0, 10)}, same libraries, synthetic weights)`,
  '',
);
out.push(
  `llama-bench: ${lb!.note}; flags ${llamaBenchArgs({ model: '<gguf>', promptTokens: 0, genTokens: 0, threads: 0, reps, flags: lbFlags }).slice(2).join(' ')} (per test: -p/-n/-t)`,
);
const first = lbFirst as LlamaBenchRow | null;
if (first)
  out.push(
    `llama-bench reports: n_batch ${first.n_batch}, n_ubatch ${first.n_ubatch}, flash_attn ${String(first.flash_attn)} (-1 = auto), KV ${first.type_k}/${first.type_v}, poll ${first.poll}, build ${first.build_commit}`,
  );
for (const [k, s] of ebSettingsSeen) {
  out.push(
    `edgebench ${k}: ${['binary', 'binarySetting', 'ggmlThreadpool', 'defaults', 'contextSize', 'batchSize', 'ubatchSize', 'flashAttention', 'flashAttentionSetting', 'threads'].map((f) => `${f} ${String(s[f])}`).join(', ')}`,
  );
}
// libgomp's idle policy (both sides inherit it): its default spins ~300k iterations when its threads ≤ cores, which a busy machine punishes
out.push(
  `OpenMP environment (both sides): ${['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'OMP_PROC_BIND'].map((k) => `${k}=${process.env[k] ?? '(unset)'}`).join(' ')}; edgebench's libuv pool: UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '(unset: 4)'}`,
);
out.push(`${rounds} interleaved rounds × ${reps} repetitions per side (after one warm-up each)`, '');
out.push(...fidelityTable(rows), '', ...DEFINITIONS);
const busiest = Math.max(loadBefore, loadavg()[0]!);
// the load average counts the benchmark's own threads (2 threads ≈ 2.0): busy means runnable threads beyond the cores
if (busiest > availableParallelism() + 0.5) {
  out.push(
    '',
    `**Machine busy** (load average up to ${busiest.toFixed(1)} on ${availableParallelism()} cores, the benchmark's own threads included): these ratios are not fidelity figures — both sides' threads busy-wait (ggml's barriers, libgomp's idle spin) and lose to other jobs unevenly. Rerun on a quiet machine.`,
  );
}
out.push(
  '',
  `load average after: ${load()} (1 / 5 / 15 min) on ${process.platform}-${process.arch}; machine shared with other jobs unless it was idle`,
);
process.stdout.write(`${out.join('\n')}\n`);
