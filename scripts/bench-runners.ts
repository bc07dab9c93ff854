/**
 * npm run bench:runners — one model through every runner users reach for, on the same threads:
 * decode tok/s and TTFT for ort-node (edgebench's own loop) and transformers.js (`generate`) on
 * q4, their ratio with a bootstrap CI, the per-token JS overhead of `generate` (tiny model, where
 * kernels cost ~nothing), and onnxruntime-web (wasm) on q4 and on the wasm dtype measured fastest.
 * Requests of the two native runners are interleaved (A B A B …) so drift hits both alike.
 * Usage: tsx scripts/bench-runners.ts [--model llama-3.2-1b] [--threads 2] [--tg 32] [--pp 128] [--reps 3]
 *          [--wasm-dtypes q8,fp16,fp32] [--wasm-tg 8] [--wasm-pp 32] [--wasm-reps 2] [--no-wasm]
 */
import { parseArgs } from 'node:util';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import type { ResolvedModel } from '../src/runners/types.ts';
import { seededTokenIds } from '../src/measure/workload.ts';
import { nowMs } from '../src/clock.ts';
import { ortNodeRunner } from '../src/runners/ort-node/ort-node-runner.ts';
import { transformersJsRunner } from '../src/runners/transformers-js/transformers-js-runner.ts';
import { ortWebRunner } from '../src/runners/ort-web/ort-web-runner.ts';
import { measureWasmDtypes, wasmCandidates, describeTimings } from '../src/runners/ort-web/wasm-dtype.ts';
import { WASM32_MAX_BYTES, wasmFootprint, wasmUpcastFactor } from '../src/runners/ort-web/wasm-limits.ts';
import { ratioOfMedians } from '../src/analyze/side-by-side.ts';
import { summarize } from '../src/stats/index.ts';
import type { LoadedModel, RunnerFactory } from '../src/runners/types.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'llama-3.2-1b' },
    threads: { type: 'string', default: '2' },
    tg: { type: 'string', default: '32' },
    pp: { type: 'string', default: '128' },
    reps: { type: 'string', default: '3' },
    'wasm-dtypes': { type: 'string', default: 'q8,fp16,fp32' },
    'wasm-tg': { type: 'string', default: '8' },
    'wasm-pp': { type: 'string', default: '32' },
    'wasm-reps': { type: 'string', default: '2' },
    'no-wasm': { type: 'boolean', default: false },
  },
});
const threads = Number(values.threads);
const log = (m: string) => process.stderr.write(`${m}\n`);
const median = (xs: number[]) => summarize(xs, { seed: 1 }).median;
const f = (x: number, d = 2) => x.toFixed(d);

interface Sample {
  decodeTokS: number[];
  ttftMs: number[];
  tpotMs: number[];
}

/** One request: untimed prepare, then token times relative to t_submit (as the harness does). */
async function request(m: LoadedModel, prompt: number[], n: number): Promise<number[]> {
  const seq = await m.prepare([]);
  const times: number[] = [];
  const t0 = nowMs();
  await seq.generate(prompt, n, () => times.push(nowMs() - t0));
  if (times.length !== n) throw new Error(`${m.resolved.runner} emitted ${times.length} of ${n} tokens`);
  return times;
}

async function sampleInto(s: Sample, m: LoadedModel, vocab: number, tg: number, pp: number): Promise<void> {
  const dec = await request(m, seededTokenIds(1, vocab, 42), tg);
  s.decodeTokS.push(((tg - 1) * 1000) / (dec[tg - 1]! - dec[0]!));
  s.tpotMs.push((dec[tg - 1]! - dec[0]!) / (tg - 1));
  s.ttftMs.push((await request(m, seededTokenIds(pp, vocab, 43), 1))[0]!);
}

const empty = (): Sample => ({ decodeTokS: [], ttftMs: [], tpotMs: [] });

/** Interleaved rounds over several loaded runners (after one warm-up request each). */
async function interleaved(
  models: [string, LoadedModel][],
  vocab: number,
  tg: number,
  pp: number,
  reps: number,
): Promise<Map<string, Sample>> {
  const out = new Map(models.map(([k]) => [k, empty()] as const));
  for (const [, m] of models) await request(m, seededTokenIds(pp, vocab, 44), 2);
  for (let r = 0; r < reps; r++) {
    for (const [k, m] of models) await sampleInto(out.get(k)!, m, vocab, tg, pp);
    log(`  round ${r + 1}/${reps}: ${models.map(([k]) => `${k} ${f(out.get(k)!.decodeTokS.at(-1)!)} tok/s`).join(', ')}`);
  }
  return out;
}

async function load(r: RunnerFactory, m: ResolvedModel, settings: Record<string, string> = {}): Promise<LoadedModel> {
  const opts = { ep: 'cpu', threads, settings };
  const a = await r.probe(opts);
  if (!a.ok) throw new Error(`${r.id}: ${a.reason}`);
  return r.load(m.source, opts);
}

const rows: string[][] = [['runner', 'dtype', 'threads', 'decode tok/s', 'TTFT ms', 'test']];
function addRow(name: string, dtype: string, s: Sample, tg: number, pp: number): void {
  rows.push([
    name,
    dtype,
    String(threads),
    `${f(median(s.decodeTokS))} (n=${s.decodeTokS.length})`,
    `${f(median(s.ttftMs), 1)} (pp${pp})`,
    `tg${tg}`,
  ]);
}

async function main(): Promise<void> {
  const tg = Number(values.tg);
  const pp = Number(values.pp);
  const reps = Number(values.reps);
  const q4 = await resolveOnnxModel(values.model!, 'q4', { style: 'optimum', log });
  log(`${q4.info.id} q4 (${f(q4.info.bytes! / 1e9)} GB), threads ${threads}, tg${tg}, pp${pp}, ${reps} interleaved rounds`);

  // 1. native: edgebench's loop vs transformers.js generate, same onnxruntime-node, same threads
  const node = await load(ortNodeRunner, q4);
  const tjs = await load(transformersJsRunner, q4);
  const native = await interleaved(
    [
      ['ort-node', node],
      ['transformers-js', tjs],
    ],
    q4.vocabSize,
    tg,
    pp,
    reps,
  );
  await node[Symbol.asyncDispose]();
  await tjs[Symbol.asyncDispose]();
  const a = native.get('ort-node')!;
  const b = native.get('transformers-js')!;
  addRow('ort-node', 'q4', a, tg, pp);
  addRow('transformers-js', 'q4', b, tg, pp);
  const ratio = ratioOfMedians(a.decodeTokS, b.decodeTokS, {
    seed: 42,
    higherIsBetter: true,
    unit: 'ratio',
    medianA: median(a.decodeTokS),
    medianB: median(b.decodeTokS),
  });

  // 2. where the difference comes from: per-token cost of generate() on a model whose kernels are ~free
  log('tiny-llama q4: per-token JS overhead of generate()');
  const tiny = await resolveOnnxModel('tiny-llama', 'q4', { style: 'optimum', log });
  const tn = await load(ortNodeRunner, tiny);
  const tt = await load(transformersJsRunner, tiny);
  const ov = await interleaved(
    [
      ['ort-node', tn],
      ['transformers-js', tt],
    ],
    tiny.vocabSize,
    64,
    16,
    5,
  );
  await tn[Symbol.asyncDispose]();
  await tt[Symbol.asyncDispose]();
  const overheadMs = median(ov.get('transformers-js')!.tpotMs) - median(ov.get('ort-node')!.tpotMs);

  // 3. onnxruntime-web (wasm): which dtype is fastest there, and what q4 costs
  const wasmLines: string[] = [];
  if (!values['no-wasm']) {
    const wtg = Number(values['wasm-tg']);
    const wpp = Number(values['wasm-pp']);
    for (const d of values['wasm-dtypes']!.split(',').filter(Boolean)) {
      const fp = wasmFootprint({ ...q4.source, dtype: d, file: null }); // estimated from the architecture
      if (fp && fp.neededBytes > WASM32_MAX_BYTES) {
        wasmLines.push(
          `${d} not built: needs ~${f(fp.neededBytes / 1e9)} GB of wasm memory (weights ${f(fp.weightBytes / 1e9)} GB${wasmUpcastFactor(d) > 1 ? ', upcast to fp32' : ''}) > 4 GiB`,
        );
        continue;
      }
      await resolveOnnxModel(values.model!, d, { style: 'optimum', log }); // builds models/<id>-<dtype> once
    }
    log('ort-web: one decode step per weight variant (each in its own wasm worker)…');
    const { timings, best } = await measureWasmDtypes(
      wasmCandidates(q4.source.dir!),
      { threads, numKvHeads: q4.source.arch!.numKvHeads, headDim: q4.source.arch!.headDim, graphOptimizationLevel: 'all' },
      2,
    );
    if (best) await best.host.terminate();
    wasmLines.push(`wasm decode step by dtype (threads ${threads}): ${describeTimings(timings)}`);
    const fastest = timings.find((t) => t.stepMs !== null);
    const q4t = timings.find((t) => t.dtype === 'q4');
    if (fastest && q4t?.stepMs)
      wasmLines.push(
        `q4 on wasm is ${f(q4t.stepMs / fastest.stepMs!, 1)}× slower per decode step than ${fastest.dtype} (MatMulNBits dequantizes whole weights per call)`,
      );
    if (fastest) {
      const m = await resolveOnnxModel(values.model!, fastest.dtype, { style: 'optimum', log });
      const web = await load(ortWebRunner, m);
      const ws = await interleaved([['ort-web', web]], m.vocabSize, wtg, wpp, Number(values['wasm-reps']));
      await web[Symbol.asyncDispose]();
      addRow('ort-web (wasm)', fastest.dtype, ws.get('ort-web')!, wtg, wpp);
    }
  }

  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(rows.map((r) => `| ${r.map((v, i) => v.padEnd(w[i]!)).join(' | ')} |`).join('\n'));
  console.log(
    `\nort-node ÷ transformers.js decode tok/s: ${f(ratio.ratio)}× [95 % CI ${f(ratio.ci95.lo)}, ${f(ratio.ci95.hi)}] (target ≥ 1.2×)`,
  );
  console.log(
    `generate() per-token overhead over edgebench's loop (tiny-llama TPOT difference): ${f(overheadMs, 3)} ms/token = ${f((overheadMs / median(a.tpotMs)) * 100, 1)} % of a ${q4.info.id} decode step`,
  );
  for (const l of wasmLines) console.log(l);
  console.log('caveat: medians of few requests on a shared machine; rerun on a quiet one before quoting.');
}

await main();
process.exit(0);
