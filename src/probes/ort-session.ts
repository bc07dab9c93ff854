/** ONNX Runtime (node, CPU EP) sessions for the probes' single-node graphs. */
import * as ort from 'onnxruntime-node';

export type OrtSession = ort.InferenceSession;

/** A CPU session with a fixed intra-op thread count (the benchmark's), sequential execution. */
export async function createCpuSession(model: Uint8Array, threads: number): Promise<OrtSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** Run once and release the outputs (the probes only time the call). */
export async function runOnce(session: OrtSession, feeds: Record<string, ort.Tensor>): Promise<void> {
  const out = await session.run(feeds);
  for (const t of Object.values(out)) t.dispose();
}
