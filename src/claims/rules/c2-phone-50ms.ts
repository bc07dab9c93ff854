/** C2: current flagship phones run language models with latency under 50 ms. */
import { latencyClaim } from '../latency-claim.ts';

export const c2 = latencyClaim({
  id: 'C2',
  claim: 'Current flagship phones run language models with latency under 50 ms.',
  claimKey: 'phone_sub50ms',
  localClasses: ['phone'],
  figureClass: 'phone',
  what: 'a phone',
  decideCommand: 'edgebench serve --suite claims   # then open the page on the phone',
  maxDevicePriceUsd: null,
});
