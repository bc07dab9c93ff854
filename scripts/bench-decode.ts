/**
 * npm run bench:decode — llama-3.2-1b q4 on the CPU EP: decode and prefill throughput, TTFT,
 * peak RSS, rooflineFraction, and the harness's per-token overhead against a bare session.run loop
 * on the same session options. Modes are interleaved (A B C A B C …) so drift hits all alike.
 * Usage: tsx scripts/bench-decode.ts [--model llama-3.2-1b] [--style optimum|genai] [--threads 2] [--tg 64] [--pp 512] [--reps 3]
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import { sessionOptions, wrapSession } from '../src/runners/ort-node/ort-node-runner.ts';
import { measureCell } from '../src/measure/measure-cell.ts';
import { startPeakRss } from '../src/measure/peak-rss.ts';
import { seededTokenIds } from '../src/measure/workload.ts';
import { nowMs } from '../src/clock.ts';
import { probeOrtBandwidth } from '../src/probes/memory-bandwidth.ts';
import { probeKernels } from '../src/probes/kernels.ts';
import { summarize } from '../src/stats/index.ts';
import { argmaxLastRow } from '../src/runners/ort-node/kv-session.ts';
import type { ModelSource } from '../src/runners/types.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'llama-3.2-1b' },
    style: { type: 'string', default: 'optimum' },
    threads: { type: 'string', default: '2' },
    tg: { type: 'string', default: '64' },
    pp: { type: 'string', default: '512' },
    reps: { type: 'string', default: '3' },
  },
});
const threads = Number(values.threads);
const tg = Number(values.tg);
const pp = Number(values.pp);
const reps = Number(values.reps);
const median = (xs: number[]) => summarize(xs, { seed: 1 }).median;

/** The bare loop: what a user would write by hand — no harness, no callbacks, same session options. */
function bareDecode(session: ort.InferenceSession, src: ModelSource, vocab: number, steps = tg): () => Promise<number[]> {
  const a = src.arch!;
  return async () => {
    const past: Record<string, ort.Tensor> = {};
    for (let i = 0; i < a.numLayers; i++)
      for (const kv of ['key', 'value'])
        past[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, a.numKvHeads, 0, a.headDim]);
    let ids = seededTokenIds(1, vocab, 42);
    let len = 0;
    const times: number[] = [];
    const t0 = nowMs();
    for (let s = 0; s < steps; s++) {
      const n = ids.length;
      const feeds: Record<string, ort.Tensor> = {
        ...past,
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(len + n).fill(1n), [1, len + n]),
        position_ids: new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: n }, (_, i) => BigInt(len + i)),
          [1, n],
        ),
      };
      const out = await session.run(feeds);
      const next = argmaxLastRow(out.logits!);
      times.push(nowMs() - t0);
      for (let i = 0; i < a.numLayers; i++)
        for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = out[`present.${i}.${kv}`]!;
      len += n;
      ids = [next];
    }
    return times;
  };
}

/**
 * The harness's own cost per token, measured where it is visible: on tiny-llama (TPOT ~0.2 ms) the
 * bare loop and the harness path alternate on one session, 21 × tg256 each; the median TPOT
 * difference is the absolute per-token overhead, which is the same on any model.
 */
async function perTokenOverheadUs(log: (m: string) => void): Promise<number> {
  const t = await resolveOnnxModel('tiny-llama', 'q4', { style: 'optimum', log });
  const o = { ep: 'cpu', threads: 1, settings: {} };
  const session = await ort.InferenceSession.create(t.source.file!, sessionOptions(o));
  const loaded = wrapSession(session, ort.Tensor as unknown as Parameters<typeof wrapSession>[1], t.source.arch!, 'q4', o, {
    executionProvider: 'cpu',
    fallback: false,
    settings: {},
  });
  const bareTiny = bareDecode(session, t.source, t.vocabSize, 256);
  const shape = { name: 'tg256', promptTokens: 0, genTokens: 256, depth: 0 };
  const one = { warmup: 0, minCount: 1, minTimeS: 0, maxCount: 1, maxTimeS: 1e9, cooldownS: 0 };
  const b: number[] = [];
  const h: number[] = [];
  for (let r = 0; r < 21; r++) {
    const harnessFirst = r % 2 === 0;
    if (!harnessFirst) b.push(tpotOf(await bareTiny()));
    const [req] = (await measureCell(loaded, { shape, vocabSize: t.vocabSize, seed: 42 }, one)).filter((x) => x.phase === 'measured');
    h.push(tpotOf(req!.tokenTimesMs));
    if (harnessFirst) b.push(tpotOf(await bareTiny()));
  }
  await session.release();
  return (median(h) - median(b)) * 1000;
}

const tpotOf = (times: number[]) => (times[times.length - 1]! - times[0]!) / (times.length - 1);

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const style = values.style === 'genai' ? 'genai' : 'optimum';
  const m = await resolveOnnxModel(values.model!, 'q4', { style, log });
  log(
    `model ${m.info.id} q4: ${(m.info.bytes! / 1e9).toFixed(2)} GB, ${(m.info.bytesPerToken! / 1e9).toFixed(3)} GB read per decoded token; threads ${threads}`,
  );
  const bw = await probeOrtBandwidth({ threads });
  log(`memory bandwidth (ORT GEMV, ${threads} threads): ${(bw.bytesPerS / 1e9).toFixed(1)} GB/s`);
  // what the runtime's own q4 kernels allow: the model's matmul shapes timed alone (MatMulNBits, accuracy level 4)
  const kernels = await probeKernels(m.source.arch!, { threads, variants: ['q4-acc4'], phases: ['decode'] });
  const kernelTokS = kernels.rooflines[0]?.maxTokensPerS ?? NaN;
  log(`kernel roofline (MatMulNBits alone, ${threads} threads): ${kernelTokS.toFixed(2)} tok/s`);

  const rss = startPeakRss();
  // one session for all three paths: separately loaded copies of a model can differ by ~20 % here
  const opts = (preallocateOutputs: boolean) => ({ ep: 'cpu', threads, settings: { preallocateOutputs } });
  const session = await ort.InferenceSession.create(m.source.file!, sessionOptions(opts(false)));
  const Tensor = ort.Tensor as unknown as Parameters<typeof wrapSession>[1];
  const extra = { executionProvider: 'cpu', fallback: false, settings: {} };
  const harness = wrapSession(session, Tensor, m.source.arch!, 'q4', opts(false), extra);
  const harnessPre = wrapSession(session, Tensor, m.source.arch!, 'q4', opts(true), extra);
  const bare = bareDecode(session, m.source, m.vocabSize);
  const shape = { name: `tg${tg}`, promptTokens: 0, genTokens: tg, depth: 0 };
  const policy = { warmup: 0, minCount: 1, minTimeS: 0, maxCount: 1, maxTimeS: 1e9, cooldownS: 0 };
  const tpot: Record<string, number[]> = { bare: [], harness: [], 'harness+prealloc': [] };
  await bare(); // warm all three
  await measureCell(harness, { shape, vocabSize: m.vocabSize, seed: 42 }, policy);
  await measureCell(harnessPre, { shape, vocabSize: m.vocabSize, seed: 42 }, policy);
  const paths = [
    ['harness', harness],
    ['harness+prealloc', harnessPre],
  ] as const;
  for (let r = 0; r < reps; r++) {
    // rotate the order each rep so no path always runs first
    const order = [0, 1, 2].map((i) => (i + r) % 3);
    for (const i of order) {
      if (i === 0) {
        tpot.bare!.push(tpotOf(await bare()));
        continue;
      }
      const [name, model] = paths[i - 1]!;
      const [req] = (await measureCell(model, { shape, vocabSize: m.vocabSize, seed: 42 }, policy)).filter((t) => t.phase === 'measured');
      tpot[name]!.push(tpotOf(req!.tokenTimesMs));
    }
    log(
      `rep ${r + 1}/${reps}: TPOT bare ${tpot.bare!.at(-1)!.toFixed(2)} ms, harness ${tpot.harness!.at(-1)!.toFixed(2)} ms, prealloc ${tpot['harness+prealloc']!.at(-1)!.toFixed(2)} ms`,
    );
  }
  const ppShape = { name: `pp${pp}`, promptTokens: pp, genTokens: 0, depth: 0 };
  const ppReqs = (
    await measureCell(
      harness,
      { shape: ppShape, vocabSize: m.vocabSize, seed: 42 },
      { ...policy, minCount: Math.max(1, reps - 1), maxCount: reps },
    )
  ).filter((t) => t.phase === 'measured');
  const ttft = ppReqs.map((t) => t.tokenTimesMs[0]!);
  const peak = rss.stop();

  const bareT = median(tpot.bare!);
  const harnessT = median(tpot.harness!);
  const preT = median(tpot['harness+prealloc']!);
  const decode = 1000 / harnessT;
  const roofline = decode / (bw.bytesPerS / m.info.bytesPerToken!);
  const rows: [string, string][] = [
    [`decode tok/s (tg${tg}, median of ${reps}), harness (default)`, (1000 / harnessT).toFixed(2)],
    ['decode tok/s, pre-allocated outputs (opt-in setting)', (1000 / preT).toFixed(2)],
    ['decode tok/s, bare session.run loop', (1000 / bareT).toFixed(2)],
    ['harness overhead vs bare loop (TPOT, same session)', `${(((harnessT - bareT) / bareT) * 100).toFixed(2)} %`],
    ['pre-allocated outputs vs bare loop (TPOT)', `${(((preT - bareT) / bareT) * 100).toFixed(2)} %`],
    [`prefill tok/s (pp${pp}, incl. one decode step)`, (pp / (median(ttft) / 1000)).toFixed(2)],
    [`TTFT ms (pp${pp})`, median(ttft).toFixed(1)],
    ['peak RSS (process, one session)', `${(peak / 2 ** 20).toFixed(0)} MiB (${rss.method})`],
    ['memory bandwidth GB/s (ORT GEMV)', (bw.bytesPerS / 1e9).toFixed(1)],
    ['roofline decode tok/s (bandwidth / bytes per token)', (bw.bytesPerS / m.info.bytesPerToken!).toFixed(2)],
    ['rooflineFraction', roofline.toFixed(3)],
    ['kernel roofline tok/s (q4 MatMulNBits timed alone)', kernelTokS.toFixed(2)],
    ['fraction of the kernel roofline', (decode / kernelTokS).toFixed(3)],
  ];
  const perTokenUs = await perTokenOverheadUs(log);
  rows.push(
    [`harness cost per token (tiny model, µs)`, perTokenUs.toFixed(1)],
    ['… as a share of this model’s TPOT', `${((perTokenUs / 1000 / harnessT) * 100).toFixed(3)} %`],
  );
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
  await session.release();
}

await main();
