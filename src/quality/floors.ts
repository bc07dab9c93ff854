/**
 * The validity floor of a quality figure, like MLPerf's accuracy target: a cell whose outputs moved
 * further from the reference than its floor allows is QUALITY_BELOW_FLOOR (MLPerf: INVALID), and
 * its speed is not a fair comparison.
 *
 * Real weights: same-top ≥ and mean KL ≤ per precision, in line with what llama.cpp's
 * `--kl-divergence` reports for good quantisations of Llama-3-class models (q8: KL ~0.001–0.005,
 * q4: ~0.02–0.05, top token kept ~90–95 %); a q4 above 0.05 nats lost more than quantisation
 * usually costs.
 * Synthetic (random) weights: the next-token distribution is nearly flat (perplexity ≈ vocabulary
 * size), so the top token is decided by tiny margins and same-top measures ties, not fidelity: it
 * is reported but not floored. Mean KL still measures how far the runtime and the quantisation
 * moved the distribution. Measured with correct runtimes (ort-node vs its fp32 graph): tiny-llama
 * q4 0.0007 and q8 0.007 nats, llama-3.2-1b q4 0.042 nats; llama.cpp F32 GGUF vs the fp32 ONNX of
 * the same weights 1.5e-9. The floors sit above those with room for deeper models (error grows
 * with depth), so they are crossed by a broken kernel, layout or dtype path, not by rounding.
 */
export interface QualityFloor {
  minSameTopRate: number | null;
  maxKlMeanNats: number;
}

type Family = 'fp32' | 'fp16' | 'q8' | 'q4';

const REAL: Record<Family, QualityFloor> = {
  fp32: { minSameTopRate: 0.999, maxKlMeanNats: 1e-4 },
  fp16: { minSameTopRate: 0.99, maxKlMeanNats: 0.002 },
  q8: { minSameTopRate: 0.95, maxKlMeanNats: 0.01 },
  q4: { minSameTopRate: 0.9, maxKlMeanNats: 0.05 },
};

const SYNTHETIC: Record<Family, QualityFloor> = {
  fp32: { minSameTopRate: null, maxKlMeanNats: 1e-4 },
  fp16: { minSameTopRate: null, maxKlMeanNats: 0.01 },
  q8: { minSameTopRate: null, maxKlMeanNats: 0.25 },
  q4: { minSameTopRate: null, maxKlMeanNats: 0.25 },
};

/** ONNX dtypes and GGUF types → the precision family their floor is set for. */
export function precisionFamily(dtype: string): Family | null {
  const d = dtype.toLowerCase();
  if (d === 'fp32' || d === 'f32') return 'fp32';
  if (d === 'q4f16') return 'q4'; // 4-bit weights, fp16 activations
  if (d === 'fp16' || d === 'f16' || d === 'bf16') return 'fp16';
  if (d === 'q8' || d === 'int8' || d === 'uint8' || d === 'quantized' || d.startsWith('q8_')) return 'q8';
  if (d === 'q4' || d === 'bnb4' || /^q4(_|$)|^iq4/.test(d)) return 'q4';
  return null;
}

export function defaultFloor(dtype: string, synthetic: boolean): QualityFloor | null {
  const fam = precisionFamily(dtype);
  return fam ? (synthetic ? SYNTHETIC : REAL)[fam] : null;
}

/** The reasons a figure is below its floor (empty: valid). */
export function belowFloor(f: { sameTopRate: number; klMeanNats: number }, floor: QualityFloor): string[] {
  const why: string[] = [];
  if (floor.minSameTopRate !== null && f.sameTopRate < floor.minSameTopRate) {
    why.push(`same-top ${f.sameTopRate.toFixed(3)} < ${floor.minSameTopRate}`);
  }
  if (f.klMeanNats > floor.maxKlMeanNats) why.push(`mean KL ${f.klMeanNats.toPrecision(3)} nats > ${floor.maxKlMeanNats}`);
  return why;
}
