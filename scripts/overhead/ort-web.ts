/**
 * ort-web: one wasm worker; harness = the runner's path (KvSequence in the worker, a message per
 * token and the Atomics hand-shake, measureCell on the main thread); bare = a hand-written
 * session.run loop inside the same worker on the same session, timed there (bare-decode.ts).
 */
import { resolveOnnxModel } from '../../src/models/resolve-onnx.ts';
import { WasmHost } from '../../src/runners/ort-web/wasm-host.ts';
import { hostModel } from '../../src/runners/ort-web/ort-web-runner.ts';
import { listTransformersJsOnnx } from '../../src/models/folder/onnx-files.ts';
import { externalDataFor } from '../../src/runners/ort-web/wasm-dtype.ts';
import { checkWasmMemory } from '../../src/runners/ort-web/wasm-limits.ts';
import { seededTokenIds } from '../../src/measure/workload.ts';
import type { OverheadSubject, SubjectOptions } from './subject.ts';

export async function ortWebSubject(spec: string, o: SubjectOptions): Promise<OverheadSubject> {
  const m = await resolveOnnxModel(spec, 'q4', { style: 'optimum', log: o.log });
  const arch = m.source.arch!;
  checkWasmMemory(m.source);
  // weights in a .onnx_data file are handed to the worker as the runner does
  const entry = listTransformersJsOnnx(m.source.dir!).find((e) => e.file === m.source.file);
  const { host, info } = await WasmHost.start({
    file: m.source.file!,
    externalData: entry ? externalDataFor(entry) : [],
    threads: o.threads,
    numKvHeads: arch.numKvHeads,
    headDim: arch.headDim,
    graphOptimizationLevel: 'all',
  });
  const harness = hostModel(host, {
    runner: 'ort-web',
    executionProvider: 'wasm',
    dtype: 'q4',
    threads: info.numThreads,
    settings: {},
    fallback: false,
    versions: { 'onnxruntime-web': info.version },
  });
  return {
    harness,
    vocabSize: m.vocabSize,
    synthetic: m.info.synthetic,
    bareIs: 'hand-written session.run loop in the same wasm worker, timed there, no per-token message',
    async bare(tg) {
      const r = await host.request({ type: 'bare-decode', inputIds: seededTokenIds(1, m.vocabSize, 42), steps: tg });
      if (r.type !== 'bare-times') throw new Error(`unexpected answer ${r.type}`);
      return r.timesMs;
    },
    async dispose() {
      await harness[Symbol.asyncDispose]();
    },
  };
}
