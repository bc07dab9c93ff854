/**
 * Text → token ids with the model folder's own tokenizer (transformers.js, local files only).
 * Used for `--prompt` workloads; tokenization happens before t_submit, outside the timed window.
 */
import { basename, dirname } from 'node:path';
import { EdgebenchError } from '../../errors.ts';

export async function tokenizeWithFolder(dir: string, text: string): Promise<number[]> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = `${dirname(dir)}/`;
  try {
    const tok = await tf.AutoTokenizer.from_pretrained(basename(dir));
    const ids = tok.encode(text);
    return Array.from(ids, Number);
  } catch (e) {
    throw new EdgebenchError('MODEL_INVALID', `cannot tokenize with ${dir}: ${(e as Error).message.split('\n')[0]}`, 'the folder needs tokenizer.json and tokenizer_config.json; or drop --prompt to use seeded token ids');
  }
}
