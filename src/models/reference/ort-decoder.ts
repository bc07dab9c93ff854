/**
 * A minimal driver for a generated decoder graph in onnxruntime-node (batch 1): feeds
 * input_ids / attention_mask / position_ids / past_key_values.* and keeps present.* as the next
 * past. Used to check graphs against the reference forward pass; the benchmark runners live elsewhere.
 */
import * as ort from 'onnxruntime-node';
import type { ModelArch } from '../arch.ts';
import { fromFloat16Bits } from '../build/float16.ts';

export interface OrtDecoderOptions {
  arch: ModelArch;
  modelPath: string;
  float16?: boolean;
  intraOpNumThreads?: number;
}

export class OrtDecoder {
  private past: Record<string, ort.Tensor> = {};
  private length = 0;
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly o: OrtDecoderOptions,
  ) {
    this.reset();
  }

  static async create(o: OrtDecoderOptions): Promise<OrtDecoder> {
    const session = await ort.InferenceSession.create(o.modelPath, { intraOpNumThreads: o.intraOpNumThreads ?? 1 });
    return new OrtDecoder(session, o);
  }

  reset(): void {
    const { arch } = this.o;
    const type = this.o.float16 ? 'float16' : 'float32';
    this.past = {};
    for (let i = 0; i < arch.numLayers; i++) {
      for (const kv of ['key', 'value']) {
        const data = this.o.float16 ? new Uint16Array(0) : new Float32Array(0);
        this.past[`past_key_values.${i}.${kv}`] = new ort.Tensor(type, data, [1, arch.numKvHeads, 0, arch.headDim]);
      }
    }
    this.length = 0;
  }

  /** Runs `tokens` after the cached positions; returns logits per new position (float32). */
  async step(tokens: number[]): Promise<Float32Array[]> {
    const S = tokens.length;
    const T = this.length + S;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, S]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map((_, j) => BigInt(this.length + j))), [1, S]),
      ...this.past,
    };
    const out = await this.session.run(feeds);
    for (let i = 0; i < this.o.arch.numLayers; i++) {
      for (const kv of ['key', 'value']) {
        const t = out[`present.${i}.${kv}`];
        if (!t) throw new Error(`graph has no output present.${i}.${kv}`);
        this.past[`past_key_values.${i}.${kv}`] = t;
      }
    }
    this.length = T;
    const logits = out['logits'];
    if (!logits) throw new Error('graph has no logits output');
    const V = this.o.arch.vocabSize;
    const data = logits.data;
    const flat = data instanceof Uint16Array ? Float32Array.from(data, fromFloat16Bits) : (data as Float32Array);
    return Array.from({ length: S }, (_, s) => flat.slice(s * V, (s + 1) * V));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
