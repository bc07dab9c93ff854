/** C6: edge beats cloud on latency, cost per query and privacy for most everyday use. */
import { paramsB, sizeClass, type LocalCell } from '../../references/local.ts';
import { isDecisive } from '../../references/load.ts';
import type { Figure } from '../../references/schema.ts';
import { numericValue, priceValue } from '../../references/value.ts';
import { checkInterval, fmt, localEvidence, refEvidence } from '../evidence.ts';
import type { Check, ClaimInput, ClaimResult, ClaimRule, LocalEvidence, ReferenceEvidence } from '../types.ts';

type Sub = { outcome: Check | null; text: string };

function latency(input: ClaimInput, local: LocalEvidence[], refs: ReferenceEvidence[]): Sub {
  const t = input.config.C6;
  const cells = input.cells.filter((c) => c.status === 'ok' && c.metrics.ttftMs && c.shape.promptTokens > 0);
  const outcomes: Check[] = [];
  const parts: string[] = [];
  const groups = new Map<string, LocalCell[]>();
  for (const c of cells) {
    const k = `${c.device}|${c.model}|${c.dtype}|${c.runner}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const devices = new Set(cells.map((c) => c.device)).size;
  const name = (c: LocalCell) => (devices > 1 ? `${c.model} on ${c.device}` : c.model);
  for (const group of groups.values()) {
    const first = group[0] as LocalCell;
    const cls = sizeClass(paramsB(first));
    const cloud = input.figures.filter(
      (f) => f.metric === 'ttft_ms' && (f.category === 'cloud-gpu' || f.category === 'asic') && sizeClass(f.model_params_b) === cls && ['single', 'per-user'].includes(f.conditions.batch),
    );
    const decisive = cloud.filter(isDecisive);
    if (decisive.length === 0) {
      parts.push(`${name(first)}: no confirmed cloud TTFT for ${cls === null ? 'a model of unknown size' : `${cls} models`}`);
      continue;
    }
    const withRtt = (f: Figure) => (numericValue(f.value)?.value ?? NaN) + (/\bapi\b/i.test(f.system) ? 0 : t.networkRttMs);
    const bestCloud = decisive.reduce((a, b) => (withRtt(b) < withRtt(a) ? b : a));
    const target = withRtt(bestCloud);
    for (const f of cloud) {
      refs.push(refEvidence(f, { used: f === bestCloud ? fmt(target, 'ms incl. network') : null, role: f === bestCloud ? 'decisive' : 'context', note: /\bapi\b/i.test(f.system) ? 'API figure: network included' : `server-side; ${t.networkRttMs} ms network round trip added` }));
    }
    const sorted = [...group].sort((a, b) => a.shape.promptTokens - b.shape.promptTokens);
    let lastWin: number | null = null;
    let firstLoss: number | null = null;
    for (const c of sorted) {
      const m = c.metrics.ttftMs;
      if (!m) continue;
      const chk = checkInterval(m.ci95.lo, m.ci95.hi, 'lt', target);
      local.push(localEvidence(c, 'ttftMs', chk, 'decisive', `vs cloud ${fmt(target, 'ms')}`) as LocalEvidence);
      outcomes.push(chk);
      if (chk === 'pass') lastWin = c.shape.promptTokens;
      if (chk === 'fail' && firstLoss === null) firstLoss = c.shape.promptTokens;
    }
    const cross = firstLoss === null ? 'edge faster at every prompt length run' : lastWin === null ? 'cloud faster at every prompt length run' : `crossover between ${lastWin} and ${firstLoss} prompt tokens`;
    parts.push(`${name(first)}: TTFT vs cloud ${fmt(target, 'ms')} (${bestCloud.system}) — ${cross}`);
  }
    // edge wins everyday use when it is faster for some prompt lengths run (the crossover says which)
  const outcome = outcomes.length === 0 ? null : outcomes.includes('pass') ? 'pass' : outcomes.includes('inconclusive') ? 'inconclusive' : 'fail';
  return { outcome, text: parts.join('; ') || 'no local TTFT measurement' };
}

function cost(input: ClaimInput, local: LocalEvidence[], refs: ReferenceEvidence[]): Sub {
  const t = input.config.C6;
  const prices = input.figures.filter((f) => f.metric === 'usd_per_million_tokens' && isDecisive(f));
  const parts: string[] = [];
  const outcomes: Check[] = [];
  const secondsOfUse = t.amortizationYears * 365 * t.activeHoursPerDay * 3600;
  for (const c of input.cells.filter((x) => x.status === 'ok' && x.metrics.decodeTokensPerS)) {
    const d = c.metrics.decodeTokensPerS;
    if (!d) continue;
    const cls = sizeClass(paramsB(c));
    const price = prices.find((f) => sizeClass(f.model_params_b) === cls);
    if (!price) continue;
    const p = priceValue(price.value)?.output ?? numericValue(price.value)?.value ?? NaN;
    // amortized device cost per 1M tokens at the median decode speed (CI bounds swap: faster is cheaper)
    const device = (tps: number) => (t.devicePriceUsd / (secondsOfUse * tps)) * 1e6;
    const j = c.metrics.joulesPerTokenDecode;
    const energy = (jpt: number) => ((jpt * 1e6) / 3.6e6) * t.electricityUsdPerKwh;
    const lo = device(d.ci95.hi) + (j ? energy(j.ci95.lo) : 0);
    const hi = device(d.ci95.lo) + (j ? energy(j.ci95.hi) : 0);
    // without energy the edge cost is a lower bound: it can prove a loss, never a win
    let chk = checkInterval(lo, hi, 'lt', p);
    if (!j && chk === 'pass') chk = 'inconclusive';
    outcomes.push(chk);
    local.push(localEvidence(c, 'decodeTokensPerS', chk, 'decisive', `edge cost ${fmt(device(d.median) + (j ? energy(j.median) : 0), 'USD/1M tokens')}${j ? '' : ' (device only: energy not measured, a lower bound)'}`) as LocalEvidence);
    refs.push(refEvidence(price, { used: fmt(p, 'USD/1M output tokens'), check: chk }));
    const needTps = (t.devicePriceUsd * 1e6) / (secondsOfUse * p);
    parts.push(`${c.model}: edge ≥ ${fmt(device(d.median), 'USD/1M tokens')} vs API ${fmt(p, 'USD')} (${price.system}); break-even needs ≥ ${fmt(needTps, 'tok/s')} at ${t.activeHoursPerDay} h/day over ${t.amortizationYears} years`);
  }
  const outcome = outcomes.length === 0 ? null : outcomes.includes('pass') ? 'pass' : outcomes.includes('inconclusive') ? 'inconclusive' : 'fail';
  return { outcome, text: parts.join('; ') || 'no API price for the model sizes run' };
}

export const c6: ClaimRule = {
  id: 'C6',
  claim: 'Edge beats cloud on latency, cost per query and privacy for most everyday use.',
  evaluate(input) {
    const t = input.config.C6;
    const local: LocalEvidence[] = [];
    const refs: ReferenceEvidence[] = [];
    const lat = latency(input, local, refs);
    const cst = cost(input, local, refs);
    const testable = [lat.outcome, cst.outcome].filter((o): o is Check => o !== null && o !== 'inconclusive');
    const wins = testable.filter((o) => o === 'pass').length;
    const verdict: ClaimResult['verdict'] =
      testable.length === 0 ? 'not established' : wins === 2 ? 'supported' : wins === 1 ? 'partly supported' : 'not supported';
    const word = (o: Check | null) => (o === 'pass' ? 'edge wins' : o === 'fail' ? 'cloud wins' : o === 'inconclusive' ? 'undecided' : 'no data');
    return {
      id: 'C6',
      claim: this.claim,
      verdict,
      summary: `Latency: ${word(lat.outcome)} (${lat.text}). Cost: ${word(cst.outcome)} (${cst.text}). Privacy: not testable by benchmark (local inference keeps prompts on the device by construction).`,
      basis: local.length && refs.length ? 'local measurements and published figures' : local.length ? 'local measurements' : refs.length ? 'published figures' : 'none',
      evidence: { local, references: refs },
      rule:
        `per metric: latency — edge TTFT (whole CI) below the best confirmed cloud TTFT for the same model size plus ${t.networkRttMs} ms network round trip (API figures already include it), with the prompt length where it flips; ` +
        `cost — edge USD per 1M tokens (device ${t.devicePriceUsd} USD over ${t.amortizationYears} years at ${t.activeHoursPerDay} h/day, plus energy at ${t.electricityUsdPerKwh} USD/kWh when measured) vs the API price, with the break-even decode speed; ` +
        'privacy is not testable by benchmark. Supported if edge wins both testable metrics, partly if one, not supported if none.',
      thresholds: { ...t },
      missing: [
        ...(lat.outcome === null ? ['a local model size that has a confirmed cloud TTFT (e.g. `edgebench run --model llama-3.1-8b`)'] : []),
        ...(local.some((e) => e.metric === 'decodeTokensPerS') && !input.cells.some((c) => c.metrics.joulesPerTokenDecode) ? ['energy per token (rerun with an energy source) to complete the edge cost'] : []),
      ],
    };
  },
};
