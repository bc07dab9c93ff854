/**
 * --energy meter-csv:PATH — an external meter logs to a CSV file while edgebench runs; at the end
 * of each cell the rows inside the cell's wall-clock span are read and mapped onto the monotonic
 * clock through a (wall, monotonic) pair taken at start. The meter's clock must agree with this
 * machine's (same host or NTP): a skew shifts every window by that much.
 */
import { readTextFile } from '../../util/input-path.ts';
import { nowMs } from '../../clock.ts';
import { isEdgebenchError } from '../../errors.ts';
import type { EnergySample } from '../../results/energy-schema.ts';
import type { EnergySource, Probe, Recording } from './interface.ts';
import { roundMs, roundValue } from './interface.ts';
import { parseMeterCsv, type MeterLog } from './meter-csv-parse.ts';

/** how long to wait at the end of a cell for the meter's rows to catch up */
export const meterGraceMs = (): number => Number(process.env.EDGEBENCH_METER_GRACE_MS ?? 3000);
/** rows this far outside the cell are kept so the edge windows have neighbours */
const MARGIN_MS = 10_000;

/** days of logging at 10 Hz; past this, rotate the meter's log */
const METER_LOG_MAX_BYTES = 512 * 1024 * 1024;

async function readLog(path: string): Promise<MeterLog> {
  // a folder, a loop, a pipe or an unreadable file: said as such (src/util/input-path.ts)
  const text = readTextFile(
    path,
    {
      what: 'meter CSV',
      code: 'CONFIG_INVALID',
      hint: 'start the meter logging to that file before the run, then pass --energy meter-csv:PATH',
    },
    METER_LOG_MAX_BYTES,
  );
  return parseMeterCsv(text, path);
}

export async function probeMeterCsv(path: string): Promise<Probe> {
  try {
    const log = await readLog(path);
    return { ok: true, source: new MeterCsvSource(path, log), note: `${log.column} [${log.unit}], ${log.rows.length} rows so far` };
  } catch (e) {
    if (isEdgebenchError(e)) return { ok: false, reason: e.message, hint: e.hint ?? '' };
    throw e;
  }
}

export class MeterCsvSource implements EnergySource {
  readonly id = 'meter-csv' as const;
  readonly method = 'measured' as const;
  readonly kind: 'power' | 'counter';
  readonly powerSemantics?: 'instant';
  readonly domains = ['meter'];
  readonly headlineDomains = ['meter'];
  readonly sampleIntervalMs: number;
  readonly resolutionFloorMs = 0;
  readonly sourceClass = 'coarse' as const;
  readonly assumptions: string[];
  readonly detail: Record<string, string | number | boolean>;
  private anchor = { wallMs: 0, clockMs: 0 };

  constructor(
    private readonly path: string,
    log: MeterLog,
  ) {
    this.kind = log.kind;
    if (log.kind === 'power') this.powerSemantics = 'instant';
    const gaps = log.rows
      .slice(1)
      .map((r, i) => r.wallMs - log.rows[i]!.wallMs)
      .sort((a, b) => a - b);
    this.sampleIntervalMs = gaps.length ? Math.max(1, gaps[Math.floor(gaps.length / 2)]!) : 1000;
    this.assumptions = [
      `external meter log ${path}, column "${log.column}" [${log.unit}] (${log.kind === 'counter' ? 'cumulative energy' : 'power readings integrated between rows'})`,
      'aligned by wall-clock timestamps: the meter logger and this machine must share a clock (same host or NTP); a skew shifts every window',
      'measures whatever the meter is wired to (wall socket: whole device incl. PSU losses; USB: that port)',
    ];
    this.detail = { path, column: log.column, unit: log.unit };
  }

  async start(): Promise<void> {
    this.anchor = { wallMs: Date.now(), clockMs: nowMs() };
  }

  async sample(): Promise<void> {}

  async stop(): Promise<Recording> {
    const startWall = this.anchor.wallMs;
    const endWall = Date.now();
    const endClock = nowMs();
    let log: MeterLog;
    const deadline = Date.now() + meterGraceMs();
    for (;;) {
      try {
        log = await readLog(this.path);
      } catch (e) {
        return { samples: [], lost: { atMs: endClock, reason: (e as Error).message } };
      }
      const last = log.rows.at(-1)?.wallMs ?? -Infinity;
      if (last >= endWall || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (log.kind !== this.kind)
      return { samples: [], lost: { atMs: endClock, reason: `the meter log changed from ${this.kind} to ${log.kind} readings` } };
    this.detail.unsortedRows = log.unsortedRows;
    this.detail.duplicateRows = log.duplicateRows;
    const rows = log.rows.filter((r) => r.wallMs >= startWall - MARGIN_MS && r.wallMs <= endWall + MARGIN_MS);
    const toClock = (wall: number) => this.anchor.clockMs + (wall - this.anchor.wallMs);
    const base = rows[0]?.value ?? 0;
    const samples: EnergySample[] = rows.map((r) => ({
      tMs: roundMs(toClock(r.wallMs)),
      values: [roundValue(this.kind === 'counter' ? r.value - base : r.value)],
    }));
    const lastWall = rows.at(-1)?.wallMs ?? null;
    const lost =
      lastWall === null
        ? {
            atMs: toClock(startWall),
            reason: `no rows in ${this.path} between ${new Date(startWall).toISOString()} and ${new Date(endWall).toISOString()}`,
          }
        : lastWall < endWall - 2 * this.sampleIntervalMs
          ? { atMs: toClock(lastWall), reason: `the meter log ends ${((endWall - lastWall) / 1000).toFixed(1)} s before the cell ended` }
          : null;
    return { samples, lost };
  }
}
