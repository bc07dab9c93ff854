/**
 * Terminal rendering of the energy figures of a run (formatting only). Estimated values carry a
 * leading "~" in every column so they are never read as measurements.
 */
import { sig3 } from '../format/numbers.ts';
import { pipeTable } from '../format/tables.ts';
import type { EnergyPhase, EnergySummary } from '../results/energy-schema.ts';
import type { RunSummary } from '../results/schema.ts';

const CLASS_TEXT =
  'fine = a meter resolving each request; coarse = a meter, pooled over requests or a coarse gauge; rough = an estimate; unresolved = too short for a figure';

function phaseRow(test: string, name: string, e: EnergySummary, p: EnergyPhase): string[] {
  const mark = e.method === 'estimated' ? '~' : '';
  const v = (x: number | null) => (x === null ? 'n/a' : `${mark}${sig3(x)}`);
  return [
    test,
    name,
    `${e.source}${e.method === 'estimated' ? ' (est.)' : ''}`,
    v(p.joulesPerTokenNet),
    v(p.joulesPerTokenGross),
    v(p.avgGrossW),
    v(p.avgNetW),
    v(p.tokensPerJouleNet),
    `${p.aggregation === 'per-request' ? 'per request' : 'pooled'} ${p.windowsUsed}/${p.windows}`,
    p.uncertainty,
  ];
}

export function formatEnergyTable(s: RunSummary): string | null {
  const cells = s.cells.filter((c) => c.energy);
  if (cells.length === 0) return null;
  const header = [
    'test',
    'weights',
    'phase',
    'source',
    'J/tok net',
    'J/tok gross',
    'W gross',
    'W net',
    'tok/J net',
    'windows',
    'uncertainty',
  ];
  const rows: string[][] = [];
  const notes = new Set<string>();
  for (const c of cells) {
    const e = c.energy!;
    const test = `#${c.index} ${c.key.shape.name}`;
    const weights = c.model?.weights ?? 'n/a';
    if (e.status === 'unavailable') {
      rows.push([test, weights, '-', e.source, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', '-', `unavailable: ${e.reason ?? ''}`]);
      continue;
    }
    if (e.prefill) rows.push([test, weights, ...phaseRow(test, 'prefill', e, e.prefill).slice(1)]);
    if (e.decode) rows.push([test, weights, ...phaseRow(test, 'decode', e, e.decode).slice(1)]);
    const base =
      e.baselineW === null
        ? `no idle baseline${e.baselineNote ? ` (${e.baselineNote})` : ''}`
        : `idle baseline ${e.method === 'estimated' ? '~' : ''}${sig3(e.baselineW)} W`;
    notes.add(
      `${e.source}: ${e.method}; domains ${e.headlineDomains.join(' + ')}; sampled every ${e.sampleIntervalMs} ms, resolution ${e.resolutionMs === null ? '?' : `${sig3(e.resolutionMs)} ms`}; ${base}`,
    );
    if (e.status === 'lost') notes.add(`#${c.index}: source lost mid-cell: ${e.reason ?? ''}`);
  }
  const out = [pipeTable(header, rows)];
  out.push(...[...notes].map((n) => `  ${n}`));
  if (cells.some((c) => c.energy!.method === 'estimated'))
    out.push('  ~ = ESTIMATED (CPU TDP × utilisation), not measured; see the assumptions in summary.json');
  out.push(
    `  prefill = t_submit..t_1 per prompt token (includes one decode step); decode = t_1..t_N per token after the first; net = gross − idle baseline. uncertainty: ${CLASS_TEXT}`,
  );
  return ['energy', ...out].join('\n');
}
