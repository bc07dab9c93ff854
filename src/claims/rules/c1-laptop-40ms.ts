/** C1: a ~$1,200 gaming laptop runs Llama-3 locally and answers in about 40 ms. */
import { latencyClaim } from '../latency-claim.ts';

export const c1 = latencyClaim({
  id: 'C1',
  claim: 'A ~$1,200 gaming laptop runs Llama-3 locally and answers in about 40 ms.',
  claimKey: 'laptop_llama3_40ms',
  localClasses: ['laptop'],
  figureClass: 'laptop',
  what: 'a laptop',
  decideCommand: 'edgebench run --suite claims   # on a laptop (≤ $2,000; add --device-price-usd)',
  maxDevicePriceUsd: 2000,
});
