/**
 * The approximate comparison for endpoints that return only the top-k log-probabilities of the
 * next token (OpenAI-compatible `top_logprobs`). Both distributions are coarse-grained to the
 * test's k tokens plus one bucket for everything else; KL over that partition is a LOWER bound of
 * the true KL (coarse-graining never increases KL divergence). A reference top token missing from
 * the test's top-k counts as test probability 0 in Δp (an upper bound). Always labelled approximate.
 */
import { argmax, logSoftmax, type RowComparison } from './divergence.ts';

export function compareTopLogprobs(
  refLogits: ArrayLike<number>,
  top: ReadonlyArray<{ id: number; logprob: number }>,
  next: number | null,
): RowComparison {
  const lr = logSoftmax(refLogits);
  let refIn = 0;
  let testIn = 0;
  let kl = 0;
  let testTop = top[0]?.id ?? -1;
  let testTopLp = -Infinity;
  for (const t of top) {
    if (t.id < 0 || t.id >= lr.length) continue;
    const p = Math.exp(lr[t.id]!);
    const q = Math.exp(t.logprob);
    refIn += p;
    testIn += q;
    if (p > 0) kl += p * (lr[t.id]! - t.logprob);
    if (t.logprob > testTopLp) {
      testTopLp = t.logprob;
      testTop = t.id;
    }
  }
  const pRest = Math.max(0, 1 - refIn);
  const qRest = Math.max(1e-12, 1 - testIn);
  if (pRest > 0) kl += pRest * Math.log(pRest / qRest);
  const topRef = argmax(lr);
  const inTop = top.find((t) => t.id === topRef);
  const nextIn = next === null ? undefined : top.find((t) => t.id === next);
  return {
    klNats: Math.max(0, kl),
    sameTop: testTop === topRef,
    deltaP: Math.exp(lr[topRef]!) - (inTop ? Math.exp(inTop.logprob) : 0),
    refNll: nextIn && next !== null ? -lr[next]! : null,
    testNll: nextIn ? -nextIn.logprob : null,
  };
}
