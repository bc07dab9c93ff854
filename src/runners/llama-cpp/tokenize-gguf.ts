/**
 * Text → token ids with a GGUF's own vocabulary (llama.cpp's tokenizer, vocab-only load), for
 * text-prompt suites on a .gguf that has no tokenizer.json beside it. Adds BOS when the model says
 * so, like transformers.js's encode() does for model folders. Runs before t_submit (untimed).
 */
import { EdgebenchError } from '../../errors.ts';
import { backendFor } from './backend.ts';

export async function tokenizeWithGguf(file: string, text: string): Promise<number[]> {
  const b = await backendFor('cpu');
  if (!b.ok) throw new EdgebenchError('BACKEND_NOT_INSTALLED', b.reason, b.hint);
  const model = await b.llama.loadModel({ modelPath: file, vocabOnly: true, gpuLayers: 0 });
  try {
    const ids = Array.from(model.tokenize(text, false), Number);
    const bos = model.tokens.bos;
    return model.tokens.shouldPrependBosToken && bos !== null ? [Number(bos), ...ids] : ids;
  } finally {
    await model.dispose();
  }
}
