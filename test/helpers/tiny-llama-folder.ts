/**
 * tiny-llama as a model folder with its real tokenizer (synthetic q4 weights), the way
 * `edgebench models build tiny-llama` writes it: what the serve --openai tests load.
 */
import { join } from 'node:path';
import { buildModelFolder } from '../../src/models/build/build-folder.ts';
import { getPreset } from '../../src/models/presets.ts';
import { resolveTokenizer } from '../../src/models/tokenizers/resolve.ts';

/** Builds `<root>/tiny-llama-q4` (tokenizer files cached in `<root>/tok`) and returns its path. */
export async function buildTinyLlamaFolder(root: string): Promise<string> {
  const dir = join(root, 'tiny-llama-q4');
  const preset = getPreset('tiny-llama');
  await buildModelFolder({
    arch: preset.arch,
    dtype: 'q4',
    style: 'optimum',
    outDir: dir,
    tokenizerFiles: resolveTokenizer(preset, { dir: join(root, 'tok') }),
    hfConfigExtra: { edgebench_preset: preset.id },
  });
  return dir;
}
