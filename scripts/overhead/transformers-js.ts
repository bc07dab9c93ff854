/**
 * transformers-js: one PreTrainedModel; harness = the runner's path (generate with edgebench's
 * greedy config and token streamer, measureCell); bare = the same model.generate called directly
 * with a streamer that only reads the clock — what an application would write.
 */
import { BaseStreamer, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { nowMs } from '../../src/clock.ts';
import { resolveOnnxModel } from '../../src/models/resolve-onnx.ts';
import { seededTokenIds } from '../../src/measure/workload.ts';
import { greedyConfig } from '../../src/runners/transformers-js/generate.ts';
import { loadPreTrained, wrapPreTrained } from '../../src/runners/transformers-js/transformers-js-runner.ts';
import type { OverheadSubject, SubjectOptions } from './subject.ts';

class TimesStreamer extends BaseStreamer {
  readonly times: number[] = [];
  private first = true;
  override put(): void {
    if (this.first)
      this.first = false; // the prompt
    else this.times.push(nowMs());
  }
  override end(): void {}
}

export async function transformersJsSubject(spec: string, o: SubjectOptions): Promise<OverheadSubject> {
  const m = await resolveOnnxModel(spec, 'q4', { style: 'optimum', log: o.log });
  const loaded = await loadPreTrained(m.source, { ep: 'cpu', threads: o.threads, settings: {} });
  const harness = await wrapPreTrained(loaded);
  const model: PreTrainedModel = loaded.m;
  const prompt = seededTokenIds(1, m.vocabSize, 42);
  return {
    harness,
    vocabSize: m.vocabSize,
    synthetic: m.info.synthetic,
    bareIs: 'model.generate on the same PreTrainedModel (same greedy fixed-length config) with a streamer that only reads the clock',
    async bare(tg) {
      const streamer = new TimesStreamer();
      // the same generation settings as the runner (greedy, fixed length): only the harness around it differs
      const args = {
        ...greedyConfig(tg),
        input_ids: new Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, 1]),
        attention_mask: new Tensor('int64', new BigInt64Array(1).fill(1n), [1, 1]),
        streamer,
      };
      await model.generate(args as unknown as Parameters<PreTrainedModel['generate']>[0]);
      return streamer.times;
    },
    async dispose() {
      await harness[Symbol.asyncDispose]();
    },
  };
}
