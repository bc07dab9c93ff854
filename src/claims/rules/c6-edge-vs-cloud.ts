/**
 * C6: edge beats cloud on latency, cost per query and privacy for most everyday use. Decided by
 * this device (when it is an edge device) against the cloud group of the same size class
 * (src/edge-cloud/compare.ts): latency by TTFT with the crossover prompt length, cost by $/Mtok
 * with the break-even daily volume. Privacy is not testable by benchmark.
 */
import { buildEdgeCloud, type EdgeCloudRow } from '../../edge-cloud/compare.ts';
import { assumptionsText } from '../../edge-cloud/assumptions.ts';
import { paramsB, sizeClass } from '../../references/local.ts';
import { formatNumber } from '../../references/value.ts';
import { EDGE_CLASSES, ineligible, weightsNote } from '../device-eligibility.ts';
import { checkInterval, fmt, localEvidence, refEvidence } from '../evidence.ts';
import type { Check, ClaimInput, ClaimResult, ClaimRule, LocalEvidence, ReferenceEvidence } from '../types.ts';

type Sub = { outcome: Check | null; parts: string[] };

const combine = (cs: readonly Check[]): Check | null =>
  cs.length === 0 ? null : cs.includes('pass') ? 'pass' : cs.includes('inconclusive') ? 'inconclusive' : 'fail';

function latency(input: ClaimInput, rows: EdgeCloudRow[], local: LocalEvidence[], refs: ReferenceEvidence[]): Sub {
  const outcomes: Check[] = [];
  const parts: string[] = [];
  for (const row of rows) {
    const cloud = row.ttft.cloud;
    if (!cloud) {
      parts.push(`${row.model} (${row.size}): no cloud TTFT for this size class`);
      continue;
    }
    for (const f of cloud.figures)
      refs.push(
        refEvidence(f, {
          used: fmt((Number(f.value) || 0) * 1000, 'ms TTFT (client-side)'),
          note: `one of ${cloud.n}: the group median ${fmt(cloud.median, 'ms')} decides`,
        }),
      );
    for (const c of row.ttft.context) refs.push(refEvidence(c.figure, { role: 'context', note: c.why }));
    const cells = input.cells.filter(
      (c) =>
        c.status === 'ok' && c.runId === row.runId && sizeClass(paramsB(c)) === row.size && c.metrics.ttftMs && c.shape.promptTokens > 0,
    );
    let lastWin: number | null = null;
    let firstLoss: number | null = null;
    for (const c of [...cells].sort((a, b) => a.shape.promptTokens - b.shape.promptTokens)) {
      const m = c.metrics.ttftMs;
      if (!m) continue;
      const chk = checkInterval(m.ci95.lo, m.ci95.hi, 'lt', cloud.median);
      local.push(
        localEvidence(
          c,
          'ttftMs',
          chk,
          'decisive',
          `vs cloud median ${fmt(cloud.median, 'ms')} (n=${cloud.n}, ${formatNumber(cloud.lo)}–${formatNumber(cloud.hi)} ms; includes the network)`,
        ) as LocalEvidence,
      );
      outcomes.push(chk);
      if (chk === 'pass') lastWin = c.shape.promptTokens;
      if (chk === 'fail' && firstLoss === null) firstLoss = c.shape.promptTokens;
    }
    const cross =
      firstLoss === null
        ? 'edge faster at every prompt length run'
        : lastWin === null
          ? 'cloud faster at every prompt length run'
          : `crossover between ${lastWin} and ${firstLoss} prompt tokens`;
    parts.push(`${row.model} (${row.size}): TTFT vs cloud median ${fmt(cloud.median, 'ms')} of ${cloud.n} API figures — ${cross}`);
  }
  return { outcome: combine(outcomes), parts };
}

function cost(rows: EdgeCloudRow[], local: LocalEvidence[], refs: ReferenceEvidence[]): Sub {
  const outcomes: Check[] = [];
  const parts: string[] = [];
  for (const row of rows) {
    const out = row.cost.cloud.output;
    const d = row.decode.local;
    if (!out || !d || !row.cost.edgeOutput) {
      if (d) parts.push(`${row.model} (${row.size}): no API price for this size class`);
      continue;
    }
    const a = row.cost.assumptions;
    const j = row.energy?.joulesPerToken ?? null;
    const perMtok = (tps: number, jpt: number | null) =>
      (a.devicePriceUsd / (a.lifetimeYears * 8760 * a.dutyCycle * 3600 * tps)) * 1e6 +
      (jpt === null ? 0 : ((jpt * a.electricityUsdPerKwh) / 3.6e6) * 1e6);
    // faster decode is cheaper: the CI bounds swap
    let chk = checkInterval(perMtok(d.metric.ci95.hi, j?.ci95.lo ?? null), perMtok(d.metric.ci95.lo, j?.ci95.hi ?? null), 'lt', out.median);
    if (!j && chk === 'pass') chk = 'inconclusive'; // without energy the edge cost is a lower bound: it can prove a loss, never a win
    outcomes.push(chk);
    local.push(
      localEvidence(
        d.cell,
        'decodeTokensPerS',
        chk,
        'decisive',
        `edge ${fmt(row.cost.edgeOutput.totalUsdPerMtok, 'USD/Mtok')}${j ? '' : ' (device only: no energy figure, a lower bound)'} vs API median ${fmt(out.median, 'USD/Mtok')} output`,
      ) as LocalEvidence,
    );
    for (const f of out.figures) refs.push(refEvidence(f, { note: `one of ${out.n} API prices for ${row.size}: the median decides` }));
    for (const c of row.cost.cloud.context) refs.push(refEvidence(c.figure, { role: 'context', note: c.why }));
    const be = row.cost.breakEven;
    const beText = !be
      ? ''
      : be.tokensPerDay === null
        ? `; ${be.note}`
        : `; break-even above ${formatNumber(be.tokensPerDay)} output tokens/day${be.note ? ` (${be.note})` : ''}`;
    parts.push(
      `${row.model} (${row.size}): edge ${fmt(row.cost.edgeOutput.totalUsdPerMtok, 'USD/Mtok')} vs API ${fmt(out.median, 'USD/Mtok')} median (${formatNumber(out.lo)}–${formatNumber(out.hi)}, n=${out.n})${beText} [${assumptionsText(a)}]`,
    );
  }
  return { outcome: combine(outcomes), parts };
}

export const c6: ClaimRule = {
  id: 'C6',
  claim: 'Edge beats cloud on latency, cost per query and privacy for most everyday use.',
  evaluate(input) {
    const local: LocalEvidence[] = [];
    const refs: ReferenceEvidence[] = [];
    const edgeCells = input.cells.filter((c) => ineligible(c, EDGE_CLASSES, 'an edge device (laptop, desktop, phone, tablet)') === null);
    for (const c of input.cells.filter((x) => x.status === 'ok' && !edgeCells.includes(x))) {
      const e = localEvidence(c, 'ttftMs', null, 'context', ineligible(c, EDGE_CLASSES, 'an edge device (laptop, desktop, phone, tablet)'));
      if (e) local.push(e);
    }
    const rows = buildEdgeCloud(edgeCells, input.figures, input.config);
    const lat = latency(input, rows, local, refs);
    const cst = cost(rows, local, refs);
    const testable = [lat.outcome, cst.outcome].filter((o): o is Check => o !== null && o !== 'inconclusive');
    const wins = testable.filter((o) => o === 'pass').length;
    const verdict: ClaimResult['verdict'] =
      testable.length === 0 ? 'not established' : wins === 2 ? 'supported' : wins === 1 ? 'partly supported' : 'not supported';
    const word = (o: Check | null) =>
      o === 'pass' ? 'edge wins' : o === 'fail' ? 'cloud wins' : o === 'inconclusive' ? 'undecided' : 'no data';
    const decided = testable.length > 0;
    const nonEdge = input.cells.some((c) => c.status === 'ok' && !edgeCells.includes(c));
    return {
      id: 'C6',
      claim: this.claim,
      verdict,
      summary:
        `Latency: ${word(lat.outcome)}${lat.parts.length ? ` (${lat.parts.join('; ')})` : ''}. Cost: ${word(cst.outcome)}${cst.parts.length ? ` (${cst.parts.join('; ')})` : ''}. ` +
        `Privacy: not testable by benchmark (local inference keeps prompts on the device by construction).${weightsNote(edgeCells)}`,
      basis: decided ? 'local measurements and published figures' : 'none',
      decidedBy: decided
        ? `this device (${[...new Set(rows.map((r) => r.size))].join(', ')}) against the cloud group medians`
        : nonEdge
          ? 'nothing: this device is not an edge device (its figures are context); published edge-vs-cloud pairs do not exist in the references'
          : 'nothing: no edge measurement with a matching cloud figure',
      decideCommand: decided ? null : 'edgebench run --suite claims   # on a laptop or phone (or --device-class laptop if this is one)',
      evidence: { local, references: refs },
      rule:
        'per metric, from this device (laptop, desktop, phone or tablet; a server, VM or CI runner is context): latency — edge TTFT (whole 95 % CI) below the median client-side API TTFT of the same size class ' +
        '(which includes the network), with the prompt length where it flips; cost — edge USD per 1M output tokens (device price over lifetime × duty cycle at the measured decode speed, plus energy × tariff) below the median API output price of the class, ' +
        'with the break-even daily volume; without an energy figure the edge cost is a lower bound and can only show a loss. Privacy is not testable by benchmark. Supported if edge wins both, partly if one, not supported if none.',
      thresholds: { ...input.config.C6 },
      missing: [
        ...(rows.length === 0 ? ['an edge-device run of a model size with cloud figures: `edgebench run --suite claims`'] : []),
        ...(rows.some((r) => r.decode.local) && !rows.some((r) => r.energy)
          ? ['energy per token: `edgebench run --energy auto` (the default) gives a measured or estimated figure']
          : []),
      ],
    };
  },
};
