/**
 * Checks of an uploaded cell that need the device's plan (zod has already checked the shape of
 * the JSON): the index is planned, every request has the shape's token counts, times never go
 * backwards, and the status agrees with the contents. Also the page's table row for a cell.
 */
import { genLength, promptLength } from '../../measure/measure-cell.ts';
import type { CellKey, CellSummary } from '../../results/schema.ts';
import { HttpError } from './http-json.ts';
import type { CellRow } from './shared/protocol.ts';
import type { CellUpload, PageEp } from './uploads.ts';

const bad = (message: string) =>
  new HttpError(422, 'CELL_REJECTED', message, 'the page sent a cell that does not match its plan: reload the page');

export function checkCellAgainstPlan(plan: readonly CellKey[], ep: PageEp, up: CellUpload): CellKey {
  const key = plan[up.index];
  if (!key) throw bad(`cell index ${up.index} is not in this device's plan (0..${plan.length - 1})`);
  if (up.status === 'ok') {
    if (up.error) throw bad(`cell ${up.index}: an ok cell carries no error`);
    if (!up.resolved) throw bad(`cell ${up.index}: an ok cell needs 'resolved' (the backend that ran it)`);
    if (!up.requests.some((r) => r.phase === 'measured')) throw bad(`cell ${up.index}: an ok cell needs at least one measured request`);
  } else if (!up.error) {
    throw bad(`cell ${up.index}: a cell with status '${up.status}' needs an error saying why`);
  }
  if (up.resolved && up.resolved.executionProvider !== ep && up.status === 'ok' && !up.resolved.fallback) {
    throw bad(`cell ${up.index}: ran on ${up.resolved.executionProvider} but the device registered ${ep} without saying it fell back`);
  }
  const wantPrompt = promptLength(key.shape);
  const wantGen = genLength(key.shape);
  const seen = new Set<number>();
  for (const r of up.requests) {
    const where = `cell ${up.index} request ${r.index}`;
    if (seen.has(r.index)) throw bad(`${where}: index used twice`);
    seen.add(r.index);
    if (r.promptTokens !== wantPrompt) throw bad(`${where}: ${r.promptTokens} prompt tokens, shape ${key.shape.name} has ${wantPrompt}`);
    if (r.depth !== key.shape.depth) throw bad(`${where}: depth ${r.depth}, shape ${key.shape.name} has ${key.shape.depth}`);
    if (r.tokenTimesMs.length !== wantGen)
      throw bad(`${where}: ${r.tokenTimesMs.length} token times, shape ${key.shape.name} generates ${wantGen}`);
    for (let i = 1; i < r.tokenTimesMs.length; i++) {
      if (r.tokenTimesMs[i]! < r.tokenTimesMs[i - 1]!)
        throw bad(`${where}: token ${i + 1} is timed before token ${i} (${r.tokenTimesMs[i]} < ${r.tokenTimesMs[i - 1]} ms)`);
    }
  }
  if (Date.parse(up.endedAt) < Date.parse(up.startedAt)) throw bad(`cell ${up.index}: endedAt is before startedAt`);
  return key;
}

export function toCellRow(s: CellSummary): CellRow {
  const med = (n: keyof CellSummary['metrics']) => s.metrics[n]?.median ?? null;
  return {
    index: s.index,
    shape: s.key.shape.name,
    status: s.status,
    ep: s.resolved?.executionProvider ?? s.key.ep,
    measured: s.requests.measured,
    ttftMs: med('ttftMs'),
    tpotMs: med('tpotMs'),
    decodeTokensPerS: med('decodeTokensPerS'),
    prefillTokensPerS: med('prefillTokensPerS'),
    e2eMs: med('e2eMs'),
    warnings: s.warnings.filter((w) => w.severity === 'warn').map((w) => w.message),
    error: s.error ? `${s.error.message}${s.error.hint ? ` (${s.error.hint})` : ''}` : null,
  };
}
