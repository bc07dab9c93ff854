/** C7: an H100 costs about $30–40k and draws about 700 W. */
import { isDecisive } from '../../references/load.ts';
import { numericValue } from '../../references/value.ts';
import { checkInterval, figuresFor, fmt, refEvidence } from '../evidence.ts';
import type { Check, ClaimResult, ClaimRule, ReferenceEvidence } from '../types.ts';

export const c7: ClaimRule = {
  id: 'C7',
  claim: 'An H100 costs about $30–40k and draws about 700 W.',
  evaluate(input) {
    const t = input.config.C7;
    const refs: ReferenceEvidence[] = [];
    const priceChecks: Check[] = [];
    const powerChecks: Check[] = [];
    const h100 = figuresFor(input.figures, 'h100_price_power', (f) => /h100/i.test(f.system));
    for (const f of h100.filter((x) => x.metric === 'usd_unit_price' || x.metric === 'usd_unit_price_range')) {
      const v = numericValue(f.value);
      if (!v) continue;
      // consistent when the published price (range) overlaps the claimed range
      const overlap = v.hi >= t.priceLowUsd && v.lo <= t.priceHighUsd;
      const chk: Check = overlap ? 'pass' : 'fail';
      const e = refEvidence(f, {
        used: v.isRange ? `${fmt(v.lo, '')}–${fmt(v.hi, 'USD')}` : fmt(v.value, 'USD'),
        check: chk,
        note: overlap ? 'overlaps the claimed range' : 'outside the claimed range',
      });
      refs.push(e);
      if (e.role === 'decisive') priceChecks.push(chk);
    }
    for (const f of h100.filter((x) => x.metric === 'watts_tdp')) {
      const v = numericValue(f.value);
      if (!v) continue;
      const chk = checkInterval(Math.abs(v.lo - t.powerW) / t.powerW, Math.abs(v.hi - t.powerW) / t.powerW, 'le', t.powerTolerance);
      const e = refEvidence(f, { used: fmt(v.value, 'W'), check: chk, note: chk === 'pass' ? null : 'another H100 form factor' });
      refs.push(e);
      if (e.role === 'decisive') powerChecks.push(chk);
    }
    for (const f of h100.filter((x) => x.metric === 'watts' && isDecisive(x) && /1x/i.test(x.system))) {
      refs.push(refEvidence(f, { role: 'context', note: 'measured average GPU power during inference (not the TDP)' }));
    }
    const price: Check | null =
      priceChecks.length === 0
        ? null
        : priceChecks.every((c) => c === 'pass')
          ? 'pass'
          : priceChecks.includes('pass')
            ? 'inconclusive'
            : 'fail';
    const power: Check | null = powerChecks.length === 0 ? null : powerChecks.includes('pass') ? 'pass' : 'fail';
    const verdict: ClaimResult['verdict'] =
      price === 'pass' && power === 'pass'
        ? 'supported'
        : price === 'pass' || power === 'pass' || price === 'inconclusive'
          ? 'partly supported'
          : price === null && power === null
            ? 'not established'
            : 'not supported';
    const word = (c: Check | null) =>
      c === 'pass' ? 'consistent' : c === 'fail' ? 'inconsistent' : c === 'inconclusive' ? 'mixed' : 'no data';
    return {
      id: 'C7',
      claim: this.claim,
      verdict,
      summary: `Price ${t.priceLowUsd}–${t.priceHighUsd} USD: ${word(price)} with ${priceChecks.length} confirmed price figures; power ≈ ${t.powerW} W: ${word(power)} (H100 SXM TDP; the PCIe card is rated lower).`,
      basis: priceChecks.length + powerChecks.length ? 'published figures' : 'none',
      decidedBy:
        priceChecks.length + powerChecks.length
          ? `published figures (${priceChecks.length} prices, ${powerChecks.length} power ratings; a benchmark cannot measure either)`
          : 'nothing: no confirmed H100 price or power figure',
      decideCommand: null,
      evidence: { local: [], references: refs },
      rule:
        `price: every confirmed H100 unit price (range) overlaps ${t.priceLowUsd}–${t.priceHighUsd} USD (BOM estimates excluded); power: an H100 TDP within ±${Math.round(t.powerTolerance * 100)} % of ${t.powerW} W. ` +
        'Supported if both hold, partly supported if one holds or prices are mixed.',
      thresholds: { ...t },
      missing: [],
    };
  },
};
