/** The ladder as a terminal table: one row per level, then the objective and the highest level meeting it. */
import type { LoadFile } from './ladder-schema.ts';
import type { Dist, LadderSummary } from './goodput.ts';

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const p = (x: Dist | null, key: 'p50' | 'p90' | 'p99') => f(x?.[key] ?? null);

export function formatLadder(file: LoadFile, s: LadderSummary): string {
  const k = file.key;
  const head = [
    'level',
    'req',
    'ok',
    'err',
    'retry',
    'ttft p50/p90 ms',
    s.rttMs !== null ? 'ttft−rtt p50' : '',
    'tpot p50/p90 ms',
    'itl p50 ms',
    'tok/s total',
    'tok/s/user',
    'goodput req/s',
    'SLO met',
  ];
  const rows = s.levels.map((l) => [
    l.label + (l.truncated ? '*' : ''),
    String(l.requests),
    String(l.ok),
    String(l.errored),
    String(l.retries),
    `${p(l.ttftMs, 'p50')}/${p(l.ttftMs, 'p90')}`,
    s.rttMs !== null ? p(l.ttftMinusRttMs, 'p50') : '',
    `${p(l.tpotMs, 'p50')}/${p(l.tpotMs, 'p90')}`,
    p(l.itlMs, 'p50'),
    f(l.totalOutputTokensPerS),
    f(l.perUserTokensPerS),
    f(l.goodputRequestsPerS, 2),
    l.sloAttainment === null ? 'n/a' : `${(l.sloAttainment * 100).toFixed(0)} %${l.meetsSlo ? ' ✓' : ''}`,
  ]);
  const keep = head.map((h, i) => h !== '' || rows.some((r) => r[i] !== ''));
  const cols = [head, ...rows].map((r) => r.filter((_, i) => keep[i]));
  const widths = cols[0]!.map((_, i) => Math.max(...cols.map((r) => r[i]!.length)));
  const lines = cols.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  const net = file.network as { rttMs?: number | null; requestRoundTripMs?: number | null; tlsHandshakeMs?: number[] | null } | null;
  return [
    `load ladder: ${k.model} ${k.runner} ${k.shape.name} (boundary ${file.boundary}; ${file.parallelism})`,
    ...(net
      ? [
          `network: rtt ${f(net.rttMs ?? null)} ms (median TCP connect), GET /v1/models ${f(net.requestRoundTripMs ?? null)} ms on a kept-alive connection${net.tlsHandshakeMs?.length ? `, TLS handshake ${f([...net.tlsHandshakeMs].sort((a, b) => a - b)[Math.floor(net.tlsHandshakeMs.length / 2)]!)} ms` : ''}`,
        ]
      : []),
    ...lines,
    `objective: ttft ≤ ${s.slo.ttftMs} ms and tpot ≤ ${s.slo.tpotMs} ms for ≥ ${(s.slo.attainment * 100).toFixed(0)} % of requests → highest level meeting it: ${s.highestMeeting ?? 'none'}` +
      (s.levels.some((l) => l.truncated) ? '  (* = cut by the level time cap)' : ''),
  ].join('\n');
}
