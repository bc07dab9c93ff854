/** results.csv: one row per cell × metric (median, CI, n, unit, …); failed cells keep one row with their error. */
import type { ReportData } from './model.ts';
import { isQualityError } from '../results/quality-schema.ts';

const HEADER = [
  'run_id',
  'device',
  'device_class',
  'cell',
  'model',
  'weights',
  'params',
  'dtype',
  'runner',
  'ep',
  'threads',
  'shape',
  'prompt_tokens',
  'gen_tokens',
  'depth',
  'status',
  'error',
  'metric',
  'unit',
  'n',
  'median',
  'ci95_lo',
  'ci95_hi',
  'mean',
  'sd',
  'cv',
  'p90',
  'p99',
  'min',
  'max',
  'boundary',
] as const;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with ' */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(d: ReportData): string {
  const lines = [HEADER.join(',')];
  for (const c of d.cells) {
    const base = [
      c.runId,
      c.device,
      d.devices.find((x) => x.runId === c.runId)?.device.class ?? null,
      c.index,
      c.model,
      c.weights,
      c.params,
      c.dtype,
      c.runner,
      c.ep,
      c.threads,
      c.shape.name,
      c.shape.promptTokens,
      c.shape.genTokens,
      c.shape.depth,
      c.status,
    ];
    const metrics = Object.entries(c.metrics).filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== null && e[1] !== undefined);
    if (c.status !== 'ok' || metrics.length === 0) {
      const err = c.error ? `${c.error.code}: ${c.error.message}` : '';
      lines.push([...base, err, ...Array<null>(HEADER.length - base.length - 1).fill(null)].map(csvField).join(','));
      continue;
    }
    for (const [name, m] of metrics) {
      // energy figures carry only median and CI (see energy-metrics.ts): the descriptive columns stay empty
      const full = 'samples' in m ? m : null;
      lines.push(
        [
          ...base,
          '',
          name,
          m.unit,
          m.n,
          m.median,
          m.ci95.lo,
          m.ci95.hi,
          full?.mean,
          full?.sd,
          full?.cv,
          full?.p90,
          full?.p99,
          full?.min,
          full?.max,
          full?.boundary,
        ]
          .map(csvField)
          .join(','),
      );
    }
    // quality figures (one value over n stream positions, no CI); the error column carries a floor breach
    const q = c.quality && !isQualityError(c.quality) ? c.quality : null;
    if (q) {
      const flag = q.belowFloor.length ? `QUALITY_BELOW_FLOOR: ${q.belowFloor.join('; ')}` : '';
      const rows: [string, string, number][] = [
        ['qualitySameTopRate', 'ratio', q.figures.sameTopRate],
        ['qualityKlMeanNats', 'nats', q.figures.klMeanNats],
        ['qualityKlP99Nats', 'nats', q.figures.klP99Nats],
      ];
      for (const [name, unit, v] of rows)
        lines.push(
          [...base, flag, name, unit, q.figures.positions, v, ...Array<null>(HEADER.length - base.length - 5).fill(null)]
            .map(csvField)
            .join(','),
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
