/**
 * For runners with no local model (scripted timings, a remote endpoint): the spec is kept as the
 * model's name, nothing is built or read, and a text prompt maps to ids by code point (the ids only
 * set the prompt length; such runners send the text itself or ignore it).
 */
import type { ResolvedModel } from './types.ts';

const VOCAB = 32000;

export function modellessModel(spec: string, dtype: string, synthetic: boolean): ResolvedModel {
  return {
    source: { id: spec, dir: null, file: null, dtype, arch: null },
    vocabSize: VOCAB,
    info: {
      id: spec,
      path: null,
      file: null,
      bytes: null,
      params: null,
      bytesPerToken: null,
      sha256: null,
      synthetic,
      weights: synthetic ? 'synthetic' : 'real',
    },
  };
}

export function codePointIds(model: ResolvedModel, text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0) % model.vocabSize);
}
