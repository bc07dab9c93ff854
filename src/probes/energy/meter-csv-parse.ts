/**
 * An external meter's CSV log (USB power meters, smart plugs, lab supplies): a header row, a
 * wall-clock timestamp column, and a power (W, mW, kW) or energy (J, mJ, kJ, Wh, mWh, kWh) column.
 * Units come from the header: `power_w`, `Power (W)`, `energy [mWh]`, `watts`. Rows may be out of
 * order (sorted here) and have gaps (kept: analysis leaves uncovered time out).
 */
import { parse } from 'csv-parse/sync';
import { EdgebenchError } from '../../errors.ts';

export interface MeterLog {
  kind: 'power' | 'counter';
  column: string;
  /** the unit as written, and the factor to W or J */
  unit: string;
  /** sorted by time; value in W (power) or J (counter, as logged: cumulative) */
  rows: { wallMs: number; value: number }[];
  unsortedRows: number;
  duplicateRows: number;
  /** a half-written last line (the meter still logging) was skipped */
  skippedPartialLine: boolean;
}

const POWER_UNITS: Record<string, number> = { w: 1, mw: 1e-3, kw: 1e3, watt: 1, watts: 1 };
const ENERGY_UNITS: Record<string, number> = { j: 1, mj: 1e-3, kj: 1e3, joule: 1, joules: 1, wh: 3600, mwh: 3.6, kwh: 3.6e6 };
const TIME_UNITS: Record<string, number> = { s: 1000, sec: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
const TIME_WORDS = ['timestamp', 'time', 'ts', 'datetime', 'date_time', 'date time', 'epoch', 'unix', 'unix_time', 'time_utc', 'utc'];
const POWER_WORDS = ['power', 'p', 'active_power', 'active power'];
const ENERGY_WORDS = ['energy', 'e', 'consumption', 'energy_consumed', 'total_energy'];

/** one device on one plug: 100 kW is already a rack; a counter past 1 PJ is damage */
export const MAX_POWER_W = 100_000;
export const MAX_COUNTER_J = 1e15;
const MAX_WALL_MS = Date.UTC(9999, 11, 31);

const FORMAT_HINT =
  'the first row names the columns: a wall-clock timestamp (ISO 8601, or Unix epoch with a unit such as timestamp_ms) and power (W, mW, kW) or energy (J, Wh, mWh…), e.g. `timestamp,power_w`';

/** "Power (mW)" → {base: 'power', unit: 'mw'}; "watts" → {base: 'power', unit: 'watts'}. */
export function splitHeader(h: string): { base: string; unit: string | null } {
  const s = h.trim().toLowerCase();
  const br = /^(.*?)\s*[[(]\s*([^\])]+?)\s*[\])]\s*$/.exec(s);
  if (br) return { base: br[1]!.trim(), unit: br[2]!.trim() };
  const suf = /^(.*?)[_ -](w|mw|kw|j|mj|kj|wh|mwh|kwh|s|sec|ms|us|µs|ns)$/.exec(s);
  if (suf && suf[1]) return { base: suf[1], unit: suf[2]! };
  if (s in POWER_UNITS) return { base: 'power', unit: s };
  if (s in ENERGY_UNITS) return { base: 'energy', unit: s };
  return { base: s, unit: null };
}

function bad(file: string, what: string, hint = FORMAT_HINT): EdgebenchError {
  return new EdgebenchError('CONFIG_INVALID', `meter CSV ${file}: ${what}`, hint);
}

/** Wall-clock ms from a cell: ISO 8601 text (no zone = this machine's local time) or Unix epoch. */
function parseTime(v: string, unitFactor: number | null, file: string, line: number): number {
  if (/^-?\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    let ms: number;
    if (unitFactor !== null) ms = n * unitFactor;
    else if (n >= 1e17) ms = n / 1e6;
    else if (n >= 1e14) ms = n / 1e3;
    else if (n >= 1e11) ms = n;
    else ms = n * 1000;
    // before 1973: a count since the meter started, not a date
    if (ms < 1e11)
      throw bad(
        file,
        `line ${line}: timestamp ${v} looks relative (time since the meter started), not wall-clock time`,
        'log absolute times (ISO 8601 or Unix epoch) so the log can be aligned with the run',
      );
    return ms;
  }
  const ms = Date.parse(v.includes(' ') && /^\d{4}-\d\d-\d\d \d/.test(v) ? v.replace(' ', 'T') : v);
  if (!Number.isFinite(ms))
    throw bad(
      file,
      `line ${line}: cannot read "${v}" as a time`,
      'use ISO 8601 (2026-05-01T10:00:00.250Z) or Unix epoch seconds/milliseconds',
    );
  return ms;
}

export function parseMeterCsv(text: string, file: string): MeterLog {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (e) {
    throw bad(file, `not readable as CSV (${(e as Error).message.split('\n')[0]})`);
  }
  const header = records[0]?.record;
  if (!header) throw bad(file, 'empty file');
  const cols = header.map((h, i) => ({ i, name: h, ...splitHeader(h) }));
  const timeCol = cols.find((c) => TIME_WORDS.includes(c.base));
  if (!timeCol) throw bad(file, `no timestamp column (columns: ${header.join(', ')})`);
  const timeFactor = timeCol.unit === null ? null : (TIME_UNITS[timeCol.unit] ?? null);
  if (timeCol.unit !== null && timeFactor === null)
    throw bad(file, `column "${timeCol.name}": "${timeCol.unit}" is not a time unit (s, ms, us, ns)`);
  const energy = cols.find((c) => ENERGY_WORDS.includes(c.base) || (c.unit !== null && c.unit in ENERGY_UNITS && c.base !== timeCol.base));
  const power = cols.find((c) => POWER_WORDS.includes(c.base) || (c.unit !== null && c.unit in POWER_UNITS && c.base !== timeCol.base));
  const col = energy ?? power; // a cumulative energy column counts every joule between rows
  if (!col) throw bad(file, `no power or energy column (columns: ${header.join(', ')})`);
  const kind = col === energy ? 'counter' : 'power';
  const table = kind === 'counter' ? ENERGY_UNITS : POWER_UNITS;
  if (col.unit === null)
    throw bad(
      file,
      `column "${col.name}" has no unit`,
      `name it with its unit, e.g. ${kind === 'counter' ? 'energy_j, energy [Wh], energy (mWh)' : 'power_w, power [W], power (mW)'}`,
    );
  const factor = table[col.unit];
  if (factor === undefined)
    throw bad(
      file,
      `column "${col.name}": "${col.unit}" is not a unit of ${kind === 'counter' ? 'energy (J, mJ, kJ, Wh, mWh, kWh)' : 'power (W, mW, kW)'}`,
    );

  const rows: MeterLog['rows'] = [];
  let skippedPartialLine = false;
  const body = records.slice(1);
  body.forEach(({ record, info }, k) => {
    const t = record[timeCol.i] ?? '';
    const v = record[col.i] ?? '';
    const last = k === body.length - 1;
    if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) || t === '') {
      if (last) return void (skippedPartialLine = true);
      throw bad(file, `line ${info.lines}: "${v}" in column "${col.name}" is not a number`, 'fix or delete that row');
    }
    const value = Number(v) * factor;
    // a negative or absurd reading would become negative (or infinite) joules reported as measured
    if (!Number.isFinite(value) || value < 0) {
      throw bad(
        file,
        `line ${info.lines}, column "${col.name}": ${v} is ${value < 0 ? 'negative' : 'not a finite number'}; a meter ${kind === 'counter' ? 'energy counter' : 'power reading'} cannot be`,
        'fix or delete that row (a meter measuring the wrong direction logs negative power: swap its leads or use its absolute value)',
      );
    }
    const max = kind === 'counter' ? MAX_COUNTER_J : MAX_POWER_W;
    if (value > max)
      throw bad(
        file,
        `line ${info.lines}, column "${col.name}": ${v} ${col.unit} is over the ${max} ${kind === 'counter' ? 'J' : 'W'} bound for a meter on one device`,
        'check the unit in the column name (W vs mW, Wh vs mWh)',
      );
    const wallMs = parseTime(t, timeFactor, file, info.lines);
    if (wallMs > MAX_WALL_MS)
      throw bad(file, `line ${info.lines}: timestamp ${t} is after the year 9999`, 'check the timestamp unit (s, ms, us, ns)');
    rows.push({ wallMs, value });
  });
  let unsortedRows = 0;
  for (let i = 1; i < rows.length; i++) if (rows[i]!.wallMs < rows[i - 1]!.wallMs) unsortedRows++;
  rows.sort((a, b) => a.wallMs - b.wallMs);
  const unique = rows.filter((r, i) => i === 0 || r.wallMs !== rows[i - 1]!.wallMs);
  return {
    kind,
    column: col.name,
    unit: col.unit,
    rows: unique,
    unsortedRows,
    duplicateRows: rows.length - unique.length,
    skippedPartialLine,
  };
}
