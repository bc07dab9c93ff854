/**
 * The short answer that `edgebench run` ends with and the report leads with: this device (class
 * and evidence, weights), then per size class its TTFT and decode beside the cloud group, energy
 * and cost per Mtok both ways, the break-even volume with its assumptions, and which claims this
 * device decided. Text only; the numbers come from src/edge-cloud/compare.ts.
 */
import type { ClaimResult } from '../claims/types.ts';
import { formatNumber } from '../references/value.ts';
import type { DeviceInfo } from '../results/schema.ts';
import { assumptionsText } from './assumptions.ts';
import type { Spread } from './cloud-side.ts';
import type { LocalCell } from '../references/local.ts';
import type { EdgeCloudRow, LocalPick } from './compare.ts';
import type { MeasuredCloud } from './measured-cloud.ts';

const n3 = (x: number) => formatNumber(x);

/** 36 ms, 1.45 s */
export function durationText(ms: number): string {
  return ms < 1000 ? `${n3(ms)} ms` : `${n3(ms / 1000)} s`;
}

/** '35.2–36.7 ms', '1.44–1.49 s' (one unit for both ends) */
export function rangeText(loMs: number, hiMs: number): string {
  return hiMs < 1000 ? `${n3(loMs)}–${n3(hiMs)} ms` : `${n3(loMs / 1000)}–${n3(hiMs / 1000)} s`;
}

export function weightsText(w: EdgeCloudRow['weights']): string {
  return w === 'synthetic' ? 'synthetic weights: speed-true, not quality-true' : w === 'real' ? 'real weights' : 'weights unknown';
}

export function usd(x: number): string {
  if (x === 0) return '$0';
  return x >= 100 ? `$${Math.round(x).toLocaleString('en-US')}` : `$${formatNumber(x, 2)}`;
}

export interface AnswerCell {
  local: string;
  cloud: string;
  ratio: string;
}

export function ttftCells(row: EdgeCloudRow): AnswerCell {
  const l = row.ttft.local;
  const c = row.ttft.cloud;
  const net = row.cost.assumptions.network;
  const netText = net ? (net.lo === net.hi ? `network ${n3(net.lo)} ms` : `network ${n3(net.lo)}–${n3(net.hi)} ms`) : 'network not stated';
  return {
    local: l ? `${durationText(l.metric.median)} [${rangeText(l.metric.ci95.lo, l.metric.ci95.hi)}]` : 'not measured',
    cloud: c ? `${durationText(c.median)} median of ${c.n} (incl. ${netText})` : 'no published figure',
    ratio: l && c ? ratioWord(l.metric.median / c.median, 'slower', 'faster') : '—',
  };
}

export function decodeCells(row: EdgeCloudRow): AnswerCell {
  const l = row.decode.local;
  const c = row.decode.cloud;
  return {
    local: l ? `${n3(l.metric.median)} tok/s [${n3(l.metric.ci95.lo)}–${n3(l.metric.ci95.hi)}]` : 'not measured',
    cloud: c ? `${n3(c.median)} tok/s per user, median of ${c.n}${c.n > 1 ? ` (${n3(c.lo)}–${n3(c.hi)})` : ''}` : 'no published figure',
    ratio: l && c ? `${n3(l.metric.median / c.median)}×` : '—',
  };
}

/** 2.5× slower / 3× faster (ratio = edge ÷ cloud of a time). */
function ratioWord(r: number, slower: string, faster: string): string {
  return r >= 1 ? `${n3(r)}× ${slower}` : `${n3(1 / r)}× ${faster}`;
}

function spreadUsd(s: Spread | null): string {
  if (!s) return 'no API price';
  return s.n > 1 ? `${usd(s.lo)}–${usd(s.hi)}/Mtok (median ${usd(s.median)}, n=${s.n})` : `${usd(s.median)}/Mtok (n=1)`;
}

export function costText(row: EdgeCloudRow): string {
  const e = row.energy;
  const energyPart = e
    ? `${e.source === 'estimated' ? '~' : ''}${n3(e.joulesPerToken.median)} J/token${e.source === 'estimated' ? ' (estimated)' : ' (measured)'}`
    : 'energy not measured';
  const o = row.cost.edgeOutput;
  const edge = o
    ? `${o.energyUsdPerMtok !== null ? `${usd(o.energyUsdPerMtok)}/Mtok electricity + ` : ''}${usd(o.deviceUsdPerMtok)}/Mtok device`
    : 'no decode measured';
  return `${energyPart} · ${edge}   vs ${spreadUsd(row.cost.cloud.output)} API output`;
}

export function breakEvenText(row: EdgeCloudRow): string {
  const be = row.cost.breakEven;
  if (!be) return row.cost.cloud.output ? 'no decode speed measured' : 'no API price for this size class';
  if (be.tokensPerDay === null || be.note) return be.note ?? 'never';
  return `the device pays for itself above ~${n3(be.tokensPerDay / 1e6)} Mtok/day of output (it can make ${n3(be.capacityTokensPerDay / 1e6)} Mtok/day at full speed)`;
}

export function deviceLine(device: DeviceInfo, label: string, rows: readonly EdgeCloudRow[]): string {
  const how = device.source === 'user' ? 'set by the user' : `detected: ${device.evidence.join(', ')}`;
  const models = [...new Set(rows.map((r) => `${r.model} ${r.dtype} (${weightsText(r.weights)})`))].join(', ');
  return `This device: ${device.class} (${how}) · ${label}${models ? ` · ${models}` : ''}`;
}

/** "C1 partly supported (this device (1B)) · C6 …", or why this device decided nothing. */
export function claimsLine(claims: readonly ClaimResult[], device: DeviceInfo, runId: string): string {
  const mine = claims.filter(
    (c) => c.decidedBy.startsWith('this device') && c.evidence.local.some((e) => e.role === 'decisive' && e.cellId.startsWith(`${runId}#`)),
  );
  if (mine.length) return `claims decided by this device: ${mine.map((c) => `${c.id} ${c.verdict}`).join(' · ')}`;
  const why =
    device.class === 'server-or-VM' || device.class === 'ci-runner'
      ? `a ${device.class} never stands in for a laptop or phone`
      : device.class === 'unknown'
        ? 'its class is unknown (set --device-class)'
        : "no cell of a claim's size class";
  const cmd = claims.find((c) => c.decideCommand)?.decideCommand;
  return `claims decided by this device: none — ${why}; its figures are context${cmd ? `. To decide them: ${cmd}` : ''}`;
}

/** One line per endpoint this device measured: its TTFT and decode with CIs, and this device against it. */
export function measuredLine(row: EdgeCloudRow, m: MeasuredCloud): string {
  const where = `${m.endpoint ?? 'endpoint'} (${m.model})`;
  const asked = m.ttft?.cell.shape.promptTokens ?? 0;
  const counted =
    m.promptTokens !== null && m.promptTokens !== asked ? ` (${m.promptTokens} as the server counted them, template included)` : '';
  const t = m.ttft
    ? `TTFT ${durationText(m.ttft.metric.median)} [${rangeText(m.ttft.metric.ci95.lo, m.ttft.metric.ci95.hi)}] at ${asked} prompt tokens${counted}`
    : 'TTFT not measured';
  const d = m.decode
    ? `decode ${n3(m.decode.metric.median)} tok/s [${n3(m.decode.metric.ci95.lo)}–${n3(m.decode.metric.ci95.hi)}]`
    : 'decode not measured';
  const rtt = m.rttMs !== null ? `, network round trip ${n3(m.rttMs)} ms` : '';
  const vs: string[] = [];
  if (m.ttft && row.ttft.local) {
    const here = row.ttft.local.cell.shape.promptTokens;
    const there = m.promptTokens ?? asked;
    // a TTFT ratio over prompts that differ by more than 10 % says so beside it
    const unequal = Math.abs(there - here) > 0.1 * here ? ` (prompts ${there} vs ${here} tokens)` : '';
    vs.push(`TTFT ${ratioWord(row.ttft.local.metric.median / m.ttft.metric.median, 'slower', 'faster')}${unequal}`);
  }
  if (m.decode && row.decode.local) vs.push(`decode ${n3(row.decode.local.metric.median / m.decode.metric.median)}×`);
  return `${where}: ${t}, ${d}${rtt}${vs.length ? ` → this device: ${vs.join(', ')}` : ''}`;
}

/** What the answer says when a run measured endpoints only: nothing ran on this device to compare. */
export function endpointsOnlyLine(cells: readonly LocalCell[]): string {
  const where = [...new Set(cells.map((c) => `${c.remote?.endpoint ?? 'an endpoint'} (${c.model})`))].join(', ');
  const model = cells[0]?.model ?? '<model>';
  return `This run measured only ${where}: nothing ran on this device, so there is no edge side to compare. On this device: edgebench run --model ${model}  (then: edgebench report <that run> <this run>)`;
}

function pad(s: string, w: number): string {
  return s.length >= w ? `${s}  ` : s.padEnd(w);
}

export function formatAnswer(
  device: DeviceInfo,
  label: string,
  rows: readonly EdgeCloudRow[],
  claims: readonly ClaimResult[],
  runId: string,
  endpointCells: readonly LocalCell[] = [],
): string {
  const out = [deviceLine(device, label, rows)];
  for (const row of rows) {
    const t = ttftCells(row);
    const d = decodeCells(row);
    const prompt = row.ttft.local ? `TTFT, ${row.ttft.local.cell.shape.promptTokens}-token prompt` : 'TTFT';
    const w = [26, 30, 52];
    out.push(
      `${pad('', w[0] as number)}${pad('this device', w[1] as number)}${pad(`cloud, ${row.size} class (published)`, w[2] as number)}edge ÷ cloud`,
    );
    out.push(`${pad(prompt, w[0] as number)}${pad(t.local, w[1] as number)}${pad(t.cloud, w[2] as number)}${t.ratio}`);
    out.push(`${pad('decode', w[0] as number)}${pad(d.local, w[1] as number)}${pad(d.cloud, w[2] as number)}${d.ratio}`);
    for (const m of row.measured) out.push(`${pad('cloud, measured', w[0] as number)}${measuredLine(row, m)}`);
    out.push(`${pad('energy / cost', w[0] as number)}${costText(row)}`);
    out.push(`${pad('break-even', w[0] as number)}${breakEvenText(row)}`);
    out.push(`${pad('', w[0] as number)}assumptions: ${assumptionsText(row.cost.assumptions)}`);
  }
  if (rows.length === 0)
    out.push(endpointCells.length ? endpointsOnlyLine(endpointCells) : 'No cell of a model size class that has cloud figures finished.');
  out.push(claimsLine(claims, device, runId));
  return out.join('\n');
}

export type { LocalPick };
