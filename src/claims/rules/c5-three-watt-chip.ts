/** C5: a ~3 W chip can do work that needed a data centre (J/token here vs cloud GPU, by batch size). */
import { paramsB, sizeClass, type LocalCell } from '../../references/local.ts';
import { isDecisive } from '../../references/load.ts';
import type { Figure } from '../../references/schema.ts';
import { formatNumber, numericValue } from '../../references/value.ts';
import { checkInterval, figuresFor, fmt, localEvidence, refEvidence } from '../evidence.ts';
import { EDGE_CLASSES, ineligible } from '../device-eligibility.ts';
import type { ClaimResult, ClaimRule, LocalEvidence, ReferenceEvidence } from '../types.ts';

export const c5: ClaimRule = {
  id: 'C5',
  claim: 'A ~3 W chip can do work that needed a data centre.',
  evaluate(input) {
    const t = input.config.C5;
    const local: LocalEvidence[] = [];
    const refs: ReferenceEvidence[] = [];
    const rule =
      'J/token (decode) of this device vs cloud GPU J/token for the same model size, at the smallest and the largest published batch size: ' +
      'supported if this device uses less energy per token at every batch size; partly supported if only at small batch (the batch size where cloud becomes cheaper is reported); ' +
      `not supported if cloud uses less even at its smallest batch. Device power is shown against the ~${t.chipPowerW} W of the claim.`;
    const notEdge = (c: LocalCell) => ineligible(c, EDGE_CLASSES, 'an edge chip');
    for (const c of input.cells.filter((x) => x.status === 'ok' && x.metrics.joulesPerTokenDecode && notEdge(x))) {
      const e = localEvidence(c, 'joulesPerTokenDecode', null, 'context', notEdge(c));
      if (e) local.push(e);
    }
    const withEnergy = input.cells.filter((c) => c.status === 'ok' && c.metrics.joulesPerTokenDecode && !notEdge(c));
    const cloudJ = (cell: LocalCell) =>
      input.figures.filter(
        (f) =>
          f.metric === 'joules_per_token' &&
          f.category === 'energy' &&
          isDecisive(f) &&
          sizeClass(f.model_params_b) === sizeClass(paramsB(cell)) &&
          f.conditions.batch_size !== null,
      );
    const base = { id: 'C5' as const, claim: this.claim, rule, thresholds: { ...t } };
    if (withEnergy.length === 0) {
      for (const f of figuresFor(input.figures, 'three_watt_chip', (x) => x.category === 'energy'))
        refs.push(refEvidence(f, { role: 'context' }));
      for (const c of input.cells.filter((x) => x.status === 'ok')) {
        for (const f of cloudJ(c))
          if (!refs.some((r) => r.id === f.id))
            refs.push(refEvidence(f, { role: 'context', note: 'cloud GPU J/token at this model size' }));
      }
      return {
        ...base,
        verdict: 'not established',
        summary:
          'Energy was not measured on this device, so J/token here cannot be set beside cloud GPU J/token. Published edge power figures are shown as context.',
        basis: 'none',
        decidedBy: local.length
          ? 'nothing: the energy figures here are not from an edge device (context)'
          : 'nothing: no energy figure on an edge device',
        decideCommand: 'edgebench run   # energy is on by default (--energy auto); on a laptop or phone',
        evidence: { local, references: refs },
        missing: ['energy not measured: rerun with an energy source (RAPL, powermetrics, nvidia-smi, a meter CSV) to get J/token'],
      };
    }
    // the most efficient configuration per size class is the fair representative
    const bySize = new Map<string, LocalCell>();
    for (const c of withEnergy) {
      const k = sizeClass(paramsB(c)) ?? '?';
      const cur = bySize.get(k);
      if (!cur || (c.metrics.joulesPerTokenDecode?.median ?? Infinity) < (cur.metrics.joulesPerTokenDecode?.median ?? Infinity))
        bySize.set(k, c);
    }
    const parts: string[] = [];
    let better = 0;
    let worse = 0;
    let flips = 0;
    let unclear = 0;
    for (const cell of bySize.values()) {
      const j = cell.metrics.joulesPerTokenDecode;
      if (!j) continue;
      const est = cell.energySource === 'estimated' ? ' (energy estimated, not measured)' : '';
      const e = localEvidence(cell, 'joulesPerTokenDecode', null, 'decisive', est.trim() || null);
      if (e) local.push(e);
      const p = localEvidence(
        cell,
        'avgPowerW',
        cell.metrics.avgPowerW ? checkInterval(cell.metrics.avgPowerW.ci95.lo, cell.metrics.avgPowerW.ci95.hi, 'le', t.chipPowerW) : null,
        'context',
        `claim: ~${t.chipPowerW} W chip`,
      );
      if (p) local.push(p);
      const figs = cloudJ(cell).sort((a, b) => (a.conditions.batch_size ?? 0) - (b.conditions.batch_size ?? 0));
      if (figs.length === 0) {
        parts.push(`${cell.model}: no cloud J/token figure for this model size`);
        unclear++;
        continue;
      }
      const rows = figs.map((f: Figure) => {
        const v = numericValue(f.value)?.value ?? NaN;
        const check = checkInterval(j.ci95.lo / v, j.ci95.hi / v, 'lt', 1);
        refs.push(
          refEvidence(f, {
            used: fmt(v, 'J/token'),
            check,
            note: `ratio here/cloud ${formatNumber(j.median / v)}× [${formatNumber(j.ci95.lo / v)}–${formatNumber(j.ci95.hi / v)}]`,
          }),
        );
        return { batch: f.conditions.batch_size ?? 0, check };
      });
      const small = rows[0];
      const large = rows[rows.length - 1];
      const flip = rows.find((r) => r.check === 'fail');
      if (!small || !large) continue;
      if (small.check === 'fail') worse++;
      else if (large.check === 'pass') better++;
      else if (flip && small.check === 'pass') flips++;
      else unclear++;
      parts.push(
        `${cell.model}${est}: ${fmt(j.median, 'J/token')} here; cloud batch ${small.batch}: ${small.check}, batch ${large.batch}: ${large.check}` +
          (flip ? `; cloud uses less energy per token from batch ${flip.batch}` : ''),
      );
    }
    const verdict: ClaimResult['verdict'] =
      worse > 0 && better === 0 && flips === 0
        ? 'not supported'
        : better > 0 && flips === 0 && worse === 0
          ? 'supported'
          : better + flips > 0
            ? 'partly supported'
            : 'not established';
    return {
      ...base,
      verdict: unclear > 0 && better + flips + worse === 0 ? 'not established' : verdict,
      summary: parts.join('; ') + '.',
      basis: 'local measurements and published figures',
      decidedBy: `this device (${withEnergy.some((c) => c.energySource === 'estimated') ? 'energy ESTIMATED from TDP × utilisation' : 'energy measured'}) against published cloud GPU J/token`,
      decideCommand: null,
      evidence: { local, references: refs },
      missing: [],
    };
  },
};
