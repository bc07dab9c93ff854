/** Shape rules a buildable architecture must satisfy; violations are CONFIG_INVALID, not crashes. */
import type { GraphStyle, ModelArch, ModelDtype } from '../arch.ts';
import { EdgebenchError } from '../../errors.ts';
import { Q4_BLOCK } from '../quant/q4.ts';

export function validateArchForBuild(a: ModelArch, dtype: ModelDtype, style: GraphStyle): void {
  const fail = (what: string): never => {
    throw new EdgebenchError('CONFIG_INVALID', `architecture cannot be built: ${what}`, 'check the preset / config.json values');
  };
  const positive: (keyof ModelArch)[] = ['hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'headDim', 'vocabSize', 'maxPositionEmbeddings'];
  for (const k of positive) {
    const v = a[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(`${k} must be a positive integer (got ${String(v)})`);
  }
  if (a.numHeads % a.numKvHeads !== 0) fail(`numHeads (${a.numHeads}) is not a multiple of numKvHeads (${a.numKvHeads})`);
  if (a.headDim % 2 !== 0) fail(`headDim (${a.headDim}) must be even for RoPE`);
  if (!(a.rmsNormEps > 0) || !(a.ropeTheta > 0)) fail('rmsNormEps and ropeTheta must be > 0');
  if (style === 'genai' && a.headDim % 16 !== 0) fail(`GroupQueryAttention (genai style) needs headDim (${a.headDim}) divisible by 16; use --style optimum`);
  if (dtype === 'q4') {
    const ks: [string, number][] = [
      ['hiddenSize', a.hiddenSize],
      ['intermediateSize', a.intermediateSize],
      ['numHeads*headDim', a.numHeads * a.headDim],
    ];
    for (const [n, k] of ks) if (k % Q4_BLOCK !== 0) fail(`q4 needs ${n} (${k}) divisible by the block size ${Q4_BLOCK}`);
  }
}
