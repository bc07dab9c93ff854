/**
 * npm run bench:llamacpp — llama.cpp vs onnxruntime-node on the same preset (default
 * llama-3.2-1b: GGUF Q4_0 vs ONNX q4), pp512 and tg128 at 1 and 2 threads, in ONE harness run
 * (`edgebench run`, so the figures are exactly what users get), then:
 *  1. the llama-cpp ÷ ort-node ratio per shape and thread count, and what differs in the formats;
 *  2. the harness's overhead on llama-cpp against node-llama-cpp's bare evaluation loop on the
 *     same loaded model and sequence, interleaved A B, B A, …;
 *  3. when ort-node is well behind, a per-operator profile of onnxruntime (enableProfiling) for
 *     a decode and a prefill, summed by op type — where the time goes.
 * Usage: tsx scripts/bench-llamacpp.ts [--model llama-3.2-1b] [--threads 1,2] [--reps 3] [--shapes pp512,tg128]
 *        [--overhead-tg 64] [--profile auto|always|never]  (auto: when ort-node decodes > 1.2× slower or faster)
 *        [--only overhead|profile]  (just step 2 or step 3, at the highest --threads)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { nowMs } from '../src/clock.ts';
import { measureCell } from '../src/measure/measure-cell.ts';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import { resolveGgufModel } from '../src/runners/llama-cpp/resolve-gguf.ts';
import { seededTokenIds } from '../src/measure/workload.ts';
import { pairing } from '../src/models/gguf/pairing.ts';
import { findPreset } from '../src/models/presets.ts';
import type { RunSummary } from '../src/results/schema.ts';
import { loadLlamaCpp } from '../src/runners/llama-cpp/llama-cpp-runner.ts';
import { argmaxLastRow } from '../src/runners/ort-node/kv-session.ts';
import { summarize } from '../src/stats/index.ts';
import type { Token } from 'node-llama-cpp';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'llama-3.2-1b' },
    threads: { type: 'string', default: '1,2' },
    reps: { type: 'string', default: '3' },
    'overhead-tg': { type: 'string', default: '64' },
    shapes: { type: 'string', default: 'pp512,tg128' },
    profile: { type: 'string', default: 'auto' },
    only: { type: 'string' },
  },
});
const log = (m: string) => process.stderr.write(`${m}\n`);
const median = (xs: number[]) => summarize(xs, { seed: 1 }).median;
const ROOT = join(import.meta.dirname, '..');

/** 1. One harness run over both runners, both thread counts, both shapes. */
function harnessRun(out: string): RunSummary {
  const args = [
    'bin/edgebench.js',
    'run',
    '--model',
    values.model!,
    '--runner',
    'ort-node,llama-cpp',
    '--dtype',
    'q4',
    '--threads',
    values.threads!,
    '--shape',
    values.shapes!,
    '--reps',
    values.reps!,
    '--min-time',
    '0',
    '--warmup',
    '0',
    '--no-report',
    '--json',
    '--out',
    out,
    '--force',
  ];
  log(`$ node ${args.join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`edgebench run exited ${r.status}`);
  return JSON.parse(r.stdout.toString('utf8')) as RunSummary;
}

function ratioTable(s: RunSummary): string[] {
  const lines = ['| threads | test | llama-cpp t/s | ort-node t/s | llama-cpp ÷ ort-node [95 % CI] |', '|--:|--|--:|--:|--|'];
  for (const c of s.sideBySide?.comparisons ?? []) {
    const llamaFirst = c.a.runner === 'llama-cpp';
    const m = c.metrics[c.shape.startsWith('pp') ? 'prefillTokensPerS' : 'decodeTokensPerS'];
    if (!m || c.a.threads !== c.b.threads) continue;
    const [lc, on] = llamaFirst ? [m.medianA, m.medianB] : [m.medianB, m.medianA];
    const [r, lo, hi] = llamaFirst ? [m.ratio, m.ci95.lo, m.ci95.hi] : [1 / m.ratio, 1 / m.ci95.hi, 1 / m.ci95.lo];
    lines.push(
      `| ${c.a.threads ?? 'auto'} | ${c.shape} | ${lc.toFixed(1)} | ${on.toFixed(1)} | ${r.toFixed(2)}× [${lo.toFixed(2)}, ${hi.toFixed(2)}] |`,
    );
  }
  return lines;
}

/** Median inter-token latency of one request: robust to the odd stall another process causes. */
function medianItl(t: number[]): number {
  return median(t.slice(1).map((x, i) => x - t[i]!));
}

/** 2. Harness (runner + measureCell) vs a bare node-llama-cpp loop: median decode ms/token, interleaved. */
async function overhead(threads: number): Promise<{ bareMs: number; harnessMs: number; overheadPct: number }> {
  const m = await resolveGgufModel(values.model!, 'q4', { log });
  const tg = Number(values['overhead-tg']);
  // one model, one context, one sequence for both loops: separately loaded copies of the same model
  // differ by up to ~20 % in decode speed here (where their repacked weights land in memory)
  const loaded = await loadLlamaCpp(m.source, { ep: 'cpu', threads, settings: {} });
  const seq = loaded.sequence;
  const prompt = seededTokenIds(1, m.vocabSize, 42) as Token[];
  const bare = async (): Promise<number> => {
    await seq.clearHistory();
    const t: number[] = [];
    for await (const _tok of seq.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
      t.push(nowMs());
      if (t.length >= tg) break;
    }
    return medianItl(t);
  };
  const shape = { name: `tg${tg}`, promptTokens: 0, genTokens: tg, depth: 0 };
  const policy = { warmup: 0, minCount: 1, minTimeS: 0, maxCount: 1, maxTimeS: 1e9, cooldownS: 0 };
  const harness = async (): Promise<number> => {
    const req = (await measureCell(loaded, { shape, vocabSize: m.vocabSize, seed: 42 }, policy)).find((r) => r.phase === 'measured')!;
    return medianItl(req.tokenTimesMs);
  };
  await bare();
  await harness();
  const A: number[] = [];
  const B: number[] = [];
  for (let r = 0; r < Number(values.reps); r++) {
    // alternate which goes first (A B, B A, …) so drift and cache warmth hit both alike
    if (r % 2 === 0) {
      A.push(await bare());
      B.push(await harness());
    } else {
      B.push(await harness());
      A.push(await bare());
    }
  }
  await loaded[Symbol.asyncDispose]();
  const bareMs = median(A);
  const harnessMs = median(B);
  return { bareMs, harnessMs, overheadPct: ((harnessMs - bareMs) / bareMs) * 100 };
}

/** 3. onnxruntime's own per-node profile, summed by operator type. */
async function ortProfile(threads: number, promptTokens: number, steps: number): Promise<{ op: string; ms: number; pct: number }[]> {
  const m = await resolveOnnxModel(values.model!, 'q4', { style: 'optimum', log });
  const a = m.source.arch!;
  const profDir = mkdtempSync(join(tmpdir(), 'eb-ort-profile-'));
  const session = await ort.InferenceSession.create(m.source.file!, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    enableProfiling: true,
    profileFilePrefix: join(profDir, 'ort-profile'),
  });
  const past: Record<string, ort.Tensor> = {};
  for (let i = 0; i < a.numLayers; i++)
    for (const kv of ['key', 'value'])
      past[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, a.numKvHeads, 0, a.headDim]);
  let ids = seededTokenIds(promptTokens, m.vocabSize, 42);
  let len = 0;
  for (let s = 0; s < steps; s++) {
    const n = ids.length;
    const out = await session.run({
      ...past,
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(len + n).fill(1n), [1, len + n]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(len + i)),
        [1, n],
      ),
    });
    for (let i = 0; i < a.numLayers; i++)
      for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = out[`present.${i}.${kv}`]!;
    len += n;
    ids = [argmaxLastRow(out.logits!)];
  }
  (session as unknown as { endProfiling(): void }).endProfiling(); // writes <prefix>_<time>.json
  await session.release();
  const file = readdirSync(profDir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error(`onnxruntime wrote no profile into ${profDir}`);
  const events = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as {
    cat?: string;
    dur?: number;
    name?: string;
    args?: { op_name?: string };
  }[];
  rmSync(profDir, { recursive: true, force: true });
  const byOp = new Map<string, number>();
  for (const e of events)
    if (e.cat === 'Node' && e.name?.endsWith('_kernel_time') && e.args?.op_name)
      byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + (e.dur ?? 0) / 1000);
  const total = [...byOp.values()].reduce((x, y) => x + y, 0);
  return [...byOp.entries()].sort((x, y) => y[1] - x[1]).map(([op, ms]) => ({ op, ms, pct: (ms / total) * 100 }));
}

async function profileLines(threads: number): Promise<string[]> {
  const lines: string[] = [];
  const pp = Number(/pp(\d+)/.exec(values.shapes!)?.[1] ?? 512);
  for (const [label, prompt, steps] of [
    ['decode (1 prompt token + 32 decode steps)', 1, 33],
    [`prefill (pp${pp}, one run)`, pp, 1],
  ] as const) {
    const prof = await ortProfile(threads, prompt, steps);
    lines.push(
      '',
      `onnxruntime per-op time, ${label}, ${threads} threads:`,
      '| op | ms | share |',
      '|--|--:|--:|',
      ...prof.slice(0, 8).map((p) => `| ${p.op} | ${p.ms.toFixed(1)} | ${p.pct.toFixed(1)} % |`),
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const top = Math.max(...values.threads!.split(',').map(Number));
  if (values.only === 'overhead') {
    const o = await overhead(top);
    console.log(
      `Harness overhead on llama-cpp (${top} threads, tg${values['overhead-tg']}, median of ${values.reps}): bare ${o.bareMs.toFixed(2)} ms/token, harness ${o.harnessMs.toFixed(2)} ms/token → ${o.overheadPct.toFixed(2)} %`,
    );
    return;
  }
  if (values.only === 'profile') {
    console.log((await profileLines(top)).join('\n'));
    return;
  }
  const preset = findPreset(values.model!);
  const out = join(ROOT, 'results', `bench-llamacpp-${Date.now()}`);
  const summary = harnessRun(out);
  const lines = [`# llama-cpp vs ort-node — ${values.model} (q4 ONNX vs Q4_0 GGUF), run ${out}`, '', ...ratioTable(summary), ''];
  const cell = summary.cells.find((c) => c.key.runner === 'llama-cpp' && c.resolved);
  if (cell?.resolved)
    lines.push(
      `llama.cpp: ${cell.resolved.versions['llama.cpp']} (node-llama-cpp ${cell.resolved.versions['node-llama-cpp']}), backend ${cell.resolved.executionProvider}, CPU features: ${cell.resolved.settings.cpuFeatures}`,
    );
  if (preset) lines.push('', `Formats: ${pairing(preset.arch, 'q4', 'q4_0').text}`);
  const o = await overhead(top);
  lines.push(
    '',
    `Harness overhead on llama-cpp (${top} threads, tg${values['overhead-tg']}, median of ${values.reps}): bare node-llama-cpp loop ${o.bareMs.toFixed(2)} ms/token, harness ${o.harnessMs.toFixed(2)} ms/token (median inter-token latency) → ${o.overheadPct.toFixed(2)} % (target ≤ 1 %)`,
  );
  const tgRatio = summary.sideBySide?.comparisons.find((c) => c.shape.startsWith('tg') && c.a.threads === top)?.metrics.decodeTokensPerS;
  const behind = tgRatio ? (tgRatio.ratio < 1 ? 1 / tgRatio.ratio : tgRatio.ratio) : 0;
  if (values.profile === 'always' || (values.profile === 'auto' && behind > 1.2)) lines.push(...(await profileLines(top)));
  lines.push(
    '',
    'Caveat: measured on a machine shared with other jobs; treat the absolute figures as indicative, the ratios as more robust.',
  );
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
