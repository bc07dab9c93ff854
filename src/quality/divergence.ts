/**
 * Per-position comparison of two next-token distributions given as raw logits (DESIGN §11):
 * KL(P_ref ‖ P_test), whether the top tokens agree, Δp of the reference's top token, and the
 * negative log-likelihood of the token that really came next (for perplexity). Float64 throughout:
 * the differences measured here (q4 vs fp32) are far below float32's rounding of a 128k-way sum.
 */

export interface RowComparison {
  klNats: number;
  sameTop: boolean;
  /** p_ref(top_ref) − p_test(top_ref) */
  deltaP: number;
  /** −log p(next) under each model, when the next token is known */
  refNll: number | null;
  testNll: number | null;
}

/** log-softmax of a logits row, in float64 (max-subtracted so large logits cannot overflow). */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logits[i]! - lse;
  return out;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Compares one position. `next` is the token that follows in the stream (null at the end). */
export function compareRows(refLogits: ArrayLike<number>, testLogits: ArrayLike<number>, next: number | null): RowComparison {
  if (refLogits.length !== testLogits.length) {
    throw new RangeError(`vocabulary sizes differ: reference ${refLogits.length}, test ${testLogits.length}`);
  }
  const lr = logSoftmax(refLogits);
  const lt = logSoftmax(testLogits);
  let kl = 0;
  for (let i = 0; i < lr.length; i++) {
    const p = Math.exp(lr[i]!);
    if (p > 0) kl += p * (lr[i]! - lt[i]!);
  }
  const topRef = argmax(lr);
  return {
    // a sum of non-negative terms in exact arithmetic; rounding can leave −1e-17
    klNats: Math.max(0, kl),
    sameTop: argmax(lt) === topRef,
    deltaP: Math.exp(lr[topRef]!) - Math.exp(lt[topRef]!),
    refNll: next === null ? null : -lr[next]!,
    testNll: next === null ? null : -lt[next]!,
  };
}
