/** RoPE frequencies (HF `rope_init_fn`, incl. the Llama-3 `llama3` rescaling) and cos/sin tables. */
import type { ModelArch } from '../arch.ts';
import { DT, type LazyInit } from './onnx-graph.ts';
import { toFloat16Bits } from './float16.ts';
import type { FloatType } from './initializers.ts';

export function ropeInvFreq(arch: ModelArch): Float64Array {
  const half = arch.headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / arch.ropeTheta ** ((2 * i) / arch.headDim);
  const s = arch.ropeScaling;
  if (!s) return inv;
  const lowWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
  const highWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
  for (let i = 0; i < half; i++) {
    const f = inv[i] ?? 0;
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) continue;
    if (wavelen > lowWavelen) {
      inv[i] = f / s.factor;
      continue;
    }
    const smooth = (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    inv[i] = (1 - smooth) * (f / s.factor) + smooth * f;
  }
  return inv;
}

/** cos or sin of position × inv_freq, [maxPositionEmbeddings, headDim/2]. */
export function ropeTableInit(name: string, arch: ModelArch, fn: 'cos' | 'sin', dataType: FloatType): LazyInit {
  const half = arch.headDim / 2;
  const P = arch.maxPositionEmbeddings;
  const elem = dataType === DT.FLOAT ? 4 : 2;
  const inv = ropeInvFreq(arch);
  const f = fn === 'cos' ? Math.cos : Math.sin;
  return {
    name,
    dataType,
    dims: [P, half],
    byteLength: P * half * elem,
    *chunks() {
      const rowsPer = Math.max(1, Math.floor((1 << 20) / half));
      for (let p0 = 0; p0 < P; p0 += rowsPer) {
        const rows = Math.min(rowsPer, P - p0);
        const out = dataType === DT.FLOAT ? new Float32Array(rows * half) : new Uint16Array(rows * half);
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < half; i++) {
            const v = f((p0 + r) * (inv[i] ?? 0));
            out[r * half + i] = out instanceof Float32Array ? v : toFloat16Bits(v);
          }
        }
        yield new Uint8Array(out.buffer);
      }
    },
  };
}
