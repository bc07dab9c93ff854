/**
 * Worker side of the ort-web runner: one onnxruntime-web (wasm) instance per worker, so each
 * loaded model gets its own thread count (onnxruntime-web fixes env.wasm.numThreads when it first
 * initialises) and its own 4 GiB linear memory, freed when the worker ends. Decoding reuses
 * edgebench's KvSequence; every token is posted to the main thread as soon as it exists.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import type { InferenceSession as NodeSession } from 'onnxruntime-node';
import { KvSequence, kvLayoutFromSession, type KvLayout } from '../ort-node/kv-session.ts';
import type { FromWorker, LoadRequest, ToWorker } from './protocol.ts';
import { bareDecode } from './bare-decode.ts';

const port = parentPort;
if (!port) throw new Error('wasm-worker.ts must run in a worker thread');

let session: ort.InferenceSession | null = null;
let layout: KvLayout | null = null;
const sequences = new Map<number, KvSequence>();
let nextSeq = 1;
let ack: Int32Array | null = null;
/** longest wait for the main thread to take a token (it only stalls if the harness is gone) */
const ACK_TIMEOUT_MS = 60_000;
const Tensor = ort.Tensor as unknown as ConstructorParameters<typeof KvSequence>[2];

const send = (m: FromWorker) => port.postMessage(m);

function newSequence(): KvSequence {
  if (!session || !layout) throw new Error('no model loaded in this worker');
  // the web and node packages share onnxruntime-common's InferenceSession interface
  return new KvSequence(session as unknown as NodeSession, layout, Tensor);
}

async function load(m: LoadRequest): Promise<void> {
  ack = new Int32Array(m.ack);
  if (m.threads !== null) ort.env.wasm.numThreads = m.threads;
  ort.env.wasm.simd = true;
  const t0 = performance.now();
  session = await ort.InferenceSession.create(m.file, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: m.graphOptimizationLevel,
    ...(m.externalData.length > 0 ? { externalData: m.externalData } : {}),
  });
  layout = kvLayoutFromSession(session as unknown as NodeSession, m.numKvHeads, m.headDim);
  const numThreads = typeof ort.env.wasm.numThreads === 'number' ? ort.env.wasm.numThreads : 1;
  send({
    type: 'loaded',
    rid: m.rid,
    info: {
      numThreads,
      simd: Boolean(ort.env.wasm.simd),
      version: ort.env.versions.web ?? 'unknown',
      kvType: layout.kvType,
      loadMs: performance.now() - t0,
    },
  });
}

async function probeStep(rid: number, steps: number): Promise<void> {
  const seq = newSequence();
  let tok = await seq.step([1, 2, 3, 4]);
  for (let i = 0; i < 2; i++) tok = await seq.step([tok]); // first decode shapes: untimed
  const stepMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    tok = await seq.step([tok]);
    stepMs.push(performance.now() - t0);
  }
  send({ type: 'probed', rid, stepMs });
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'load':
      return load(m);
    case 'prepare': {
      const seq = newSequence();
      if (m.contextIds.length > 0) await seq.step(m.contextIds);
      const id = nextSeq++;
      sequences.set(id, seq);
      return send({ type: 'prepared', rid: m.rid, seq: id });
    }
    case 'generate': {
      const seq = sequences.get(m.seq);
      if (!seq) throw new Error(`unknown sequence ${m.seq}`);
      sequences.delete(m.seq);
      await seq.generate(m.inputIds, m.maxNewTokens, (id) => {
        if (ack) Atomics.store(ack, 0, 0);
        send({ type: 'token', rid: m.rid, id });
        if (ack && Atomics.wait(ack, 0, 0, ACK_TIMEOUT_MS) === 'timed-out') throw new Error('the harness did not take a token within 60 s');
      });
      return send({ type: 'done', rid: m.rid });
    }
    case 'probe-step':
      return probeStep(m.rid, m.steps);
    case 'bare-decode': {
      if (!session || !layout) throw new Error('no model loaded in this worker');
      return send({ type: 'bare-times', rid: m.rid, ...(await bareDecode(session, layout, m.inputIds, m.steps)) });
    }
    case 'score': {
      const seq = sequences.get(m.seq);
      if (!seq) throw new Error(`unknown sequence ${m.seq}`);
      const rows: Float32Array[] = [];
      await seq.feedRows(m.ids, (r) => rows.push(r));
      // the rows move to the main thread without a copy
      return port!.postMessage(
        { type: 'scores', rid: m.rid, rows } satisfies FromWorker,
        rows.map((r) => r.buffer as ArrayBuffer),
      );
    }
  }
}

port.on('message', (m: ToWorker) => {
  handle(m).catch((e: unknown) => {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unknown error';
    send({ type: 'error', rid: m.rid, message: message.length > 500 ? `${message.slice(0, 500)}…` : message });
  });
});
