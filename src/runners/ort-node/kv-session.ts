/**
 * Greedy decoding over a transformers.js-layout decoder graph (input_ids, attention_mask,
 * position_ids?, past_key_values.{i}.key|value → logits, present.{i}.key|value) with
 * onnxruntime's JS API. Shared by the ort-node runner (and usable by ort-web).
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { EdgebenchError } from '../../errors.ts';

type TensorCtor = new (
  type: 'int64' | 'float32' | 'float16',
  data: BigInt64Array | Float32Array | Uint16Array,
  dims: readonly number[],
) => OrtTensor;

export interface KvLayout {
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  kvType: 'float32' | 'float16';
  hasPositionIds: boolean;
}

/** Work out the KV layout from the session's input names and the model's config. */
export function kvLayoutFromSession(session: InferenceSession, numKvHeads: number, headDim: number): KvLayout {
  const names = session.inputNames;
  for (const required of ['input_ids', 'attention_mask']) {
    if (!names.includes(required)) {
      throw new EdgebenchError(
        'MODEL_INVALID',
        `graph has no '${required}' input (inputs: ${names.join(', ')})`,
        'edgebench runs decoder-only graphs in the transformers.js / optimum layout',
      );
    }
  }
  const layers = names.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (layers === 0) {
    throw new EdgebenchError(
      'MODEL_INVALID',
      'graph has no past_key_values.*.key inputs (exported without KV cache?)',
      'export with past key values ("text-generation-with-past") so decoding does not recompute the prompt',
    );
  }
  let kvType: KvLayout['kvType'] = 'float32';
  const meta = (session as unknown as { inputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[] }).inputMetadata;
  const pastMeta = meta?.find((m) => m.name === 'past_key_values.0.key');
  if (pastMeta?.type === 'float16') kvType = 'float16';
  return { numLayers: layers, numKvHeads, headDim, kvType, hasPositionIds: names.includes('position_ids') };
}

export function argmaxLastRow(logits: OrtTensor): number {
  const dims = logits.dims;
  const vocab = dims[dims.length - 1] ?? 0;
  const rows = logits.size / vocab;
  const data = logits.data as Float32Array | Uint16Array;
  const start = (rows - 1) * vocab;
  if (data instanceof Float32Array) {
    let best = 0;
    let bestV = -Infinity;
    for (let i = 0; i < vocab; i++) {
      const v = data[start + i]!;
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    return best;
  }
  let best = 0;
  let bestV = -Infinity;
  for (let i = 0; i < vocab; i++) {
    const v = halfToFloat(data[start + i]!);
    if (v > bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

/** The last row of the logits as float32 (a copy for fp16 graphs, a view otherwise: read it before the next step). */
export function lastRowFloat32(logits: OrtTensor): Float32Array {
  const dims = logits.dims;
  const vocab = dims[dims.length - 1] ?? 0;
  const start = (logits.size / vocab - 1) * vocab;
  const data = logits.data as Float32Array | Uint16Array;
  if (data instanceof Float32Array) return data.subarray(start, start + vocab);
  const row = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++) row[i] = halfToFloat(data[start + i]!);
  return row;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** A sequence: owns its KV cache (past tensors) and the running length. */
export class KvSequence {
  private past: Record<string, OrtTensor>;
  private length = 0;
  private logitsBuf: Float32Array | null = null;
  constructor(
    private readonly session: InferenceSession,
    private readonly layout: KvLayout,
    private readonly Tensor: TensorCtor,
    /** when set, ORT writes into pre-allocated outputs (logits buffer reused across steps, presents fresh per step); fp32 graphs only */
    private readonly preallocateVocab: number | null = null,
  ) {
    this.past = {};
    const empty = layout.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    for (let i = 0; i < layout.numLayers; i++) {
      for (const kv of ['key', 'value']) {
        this.past[`past_key_values.${i}.${kv}`] = new Tensor(layout.kvType, empty, [1, layout.numKvHeads, 0, layout.headDim]);
      }
    }
  }

  get totalLength(): number {
    return this.length;
  }

  /** Run the graph on `ids` at the current position; returns the greedy next token (and shows its logits row to `onLogits`). */
  async step(ids: readonly number[], onLogits?: (row: Float32Array) => void): Promise<number> {
    const logits = await this.forward(ids);
    onLogits?.(lastRowFloat32(logits));
    return argmaxLastRow(logits);
  }

  /**
   * Untimed (quality pass): run `ids` and hand over the next-token logits after each of them, in
   * order, as float32 rows (copies: ORT may reuse its output buffer).
   */
  async feedRows(ids: readonly number[], onRow: (logits: Float32Array) => void): Promise<void> {
    const logits = await this.forward(ids);
    const vocab = logits.dims[logits.dims.length - 1] ?? 0;
    const data = logits.data as Float32Array | Uint16Array;
    for (let r = 0; r < ids.length; r++) {
      const row = new Float32Array(vocab);
      if (data instanceof Float32Array) row.set(data.subarray(r * vocab, (r + 1) * vocab));
      else for (let i = 0; i < vocab; i++) row[i] = halfToFloat(data[r * vocab + i]!);
      onRow(row);
    }
  }

  private async forward(ids: readonly number[]): Promise<OrtTensor> {
    const n = ids.length;
    const total = this.length + n;
    const inputIds = new BigInt64Array(n);
    for (let i = 0; i < n; i++) inputIds[i] = BigInt(ids[i]!);
    const mask = new BigInt64Array(total).fill(1n);
    const feeds: Record<string, OrtTensor> = {
      ...this.past,
      input_ids: new this.Tensor('int64', inputIds, [1, n]),
      attention_mask: new this.Tensor('int64', mask, [1, total]),
    };
    if (this.layout.hasPositionIds) {
      const pos = new BigInt64Array(n);
      for (let i = 0; i < n; i++) pos[i] = BigInt(this.length + i);
      feeds.position_ids = new this.Tensor('int64', pos, [1, n]);
    }
    const out = this.preallocateVocab !== null ? await this.session.run(feeds, this.fetches(n, total)) : await this.session.run(feeds);
    const logits = out.logits;
    if (!logits)
      throw new EdgebenchError(
        'MODEL_INVALID',
        "graph returned no 'logits' output",
        'edgebench expects the transformers.js decoder layout',
      );
    for (let i = 0; i < this.layout.numLayers; i++) {
      for (const kv of ['key', 'value']) {
        const t = out[`present.${i}.${kv}`];
        if (!t)
          throw new EdgebenchError(
            'MODEL_INVALID',
            `graph returned no 'present.${i}.${kv}' output`,
            'edgebench expects the transformers.js decoder layout',
          );
        this.past[`past_key_values.${i}.${kv}`] = t;
      }
    }
    this.length = total;
    return logits;
  }

  private fetches(n: number, total: number): Record<string, OrtTensor> {
    const { numLayers, numKvHeads, headDim, kvType } = this.layout;
    const vocab = this.preallocateVocab ?? 0;
    if (!this.logitsBuf || this.logitsBuf.length !== n * vocab) this.logitsBuf = new Float32Array(n * vocab);
    const f: Record<string, OrtTensor> = { logits: new this.Tensor('float32', this.logitsBuf, [1, n, vocab]) };
    const size = numKvHeads * total * headDim;
    for (let i = 0; i < numLayers; i++) {
      for (const kv of ['key', 'value']) {
        f[`present.${i}.${kv}`] = new this.Tensor(kvType, kvType === 'float16' ? new Uint16Array(size) : new Float32Array(size), [
          1,
          numKvHeads,
          total,
          headDim,
        ]);
      }
    }
    return f;
  }

  /** Greedy decode: prefill `inputIds`, then `maxNewTokens − 1` single-token steps. */
  async generate(
    inputIds: readonly number[],
    maxNewTokens: number,
    onToken: (id: number) => void,
    onLogits?: (row: Float32Array) => void,
  ): Promise<void> {
    let ids: readonly number[] = inputIds;
    for (let i = 0; i < maxNewTokens; i++) {
      const tok = await this.step(ids, onLogits);
      onToken(tok);
      ids = [tok];
    }
  }
}
