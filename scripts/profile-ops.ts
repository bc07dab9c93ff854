/**
 * Per-operator profile of decode steps (onnxruntime's own profiler): which op types take the time.
 * Usage: tsx scripts/profile-ops.ts [model-folder] [--threads 2] [--steps 16] [--prealloc]
 */
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { resolveOnnxModel } from '../src/models/resolve-onnx.ts';
import { KvSequence, kvLayoutFromSession } from '../src/runners/ort-node/kv-session.ts';
import { seededTokenIds } from '../src/measure/workload.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '2' }, steps: { type: 'string', default: '16' }, pp: { type: 'string', default: '0' } },
});
const m = await resolveOnnxModel(positionals[0] ?? 'llama-3.2-1b', 'q4', { style: 'optimum', log: (s) => console.error(s) });
const session = await ort.InferenceSession.create(m.source.file!, {
  intraOpNumThreads: Number(values.threads),
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  enableProfiling: true,
  profileFilePrefix: '/tmp/eb-ort-profile',
});
const seq = new KvSequence(session, kvLayoutFromSession(session, m.source.arch!.numKvHeads, m.source.arch!.headDim), ort.Tensor as never);
const pp = Number(values.pp);
await seq.generate(seededTokenIds(Math.max(1, pp), m.vocabSize, 1), Number(values.steps), () => {});
session.endProfiling();
await session.release();
// onnxruntime names the trace <prefix>_<timestamp>.json
const file = readdirSync('/tmp')
  .filter((f) => f.startsWith('eb-ort-profile'))
  .map((f) => `/tmp/${f}`)
  .sort()
  .pop()!;
type Ev = { cat: string; name: string; dur: number; args?: { op_name?: string } };
const events = JSON.parse(readFileSync(file, 'utf8')) as Ev[];
const byOp = new Map<string, number>();
let runTotal = 0;
for (const e of events) {
  if (e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.args?.op_name)
    byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + e.dur);
  if (e.cat === 'Session' && e.name === 'model_run') runTotal += e.dur;
}
const kernels = [...byOp.values()].reduce((a, b) => a + b, 0);
console.log(
  `session.run total ${(runTotal / 1e3).toFixed(1)} ms over ${values.steps} steps; kernels ${(kernels / 1e3).toFixed(1)} ms (${((kernels / runTotal) * 100).toFixed(1)} %)`,
);
for (const [op, us] of [...byOp.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${op.padEnd(28)} ${(us / 1e3).toFixed(1).padStart(9)} ms  ${((us / runTotal) * 100).toFixed(1).padStart(5)} %`);
rmSync(file);
