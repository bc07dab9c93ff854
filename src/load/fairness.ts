/**
 * Edge and cloud at the same load: the ladders of a set of runs as series (one per endpoint or
 * device and shape), and a side-by-side at each concurrency both sides measured, plus the labelled
 * comparison reports have used so far — the cloud at its measured load vs the edge at one user.
 * For the report's edge-vs-cloud section and the throughput–latency chart (report/load-chart.ts).
 */
import type { Boundary } from '../results/schema.ts';
import { summarizeLadder } from './goodput.ts';
import { readLoadFiles } from './io.ts';

export interface LadderPoint {
  label: string;
  concurrency: number | null;
  ratePerS: number | null;
  totalTokensPerS: number | null;
  perUserTokensPerS: number | null;
  ttftP50Ms: number | null;
  tpotP50Ms: number | null;
  goodputRequestsPerS: number | null;
  meetsSlo: boolean;
}

export interface LadderSeries {
  /** e.g. "llama-3.2-1b llama-cpp/cpu pp512+tg128" or the endpoint for remote cells */
  label: string;
  side: 'edge' | 'cloud';
  boundary: Boundary;
  shape: string;
  model: string;
  parallelism: string;
  points: LadderPoint[];
}

/** Every ladder of these run folders as a series ([] when none has a ladder). */
export async function ladderSeries(dirs: readonly string[]): Promise<LadderSeries[]> {
  const out: LadderSeries[] = [];
  for (const dir of dirs) {
    for (const f of await readLoadFiles(dir)) {
      const s = summarizeLadder(f);
      const endpoint = typeof f.resolved?.settings.endpoint === 'string' ? f.resolved.settings.endpoint : null;
      const side = f.boundary === 'http-client' ? 'cloud' : 'edge';
      out.push({
        label: `${f.key.model} ${endpoint ?? `${f.key.runner}/${f.key.ep}`} ${f.key.shape.name}`,
        side,
        boundary: f.boundary,
        shape: f.key.shape.name,
        model: f.key.model,
        parallelism: f.parallelism,
        points: s.levels.map((l) => ({
          label: l.label,
          concurrency: l.concurrency,
          ratePerS: l.ratePerS,
          totalTokensPerS: l.totalOutputTokensPerS,
          perUserTokensPerS: l.perUserTokensPerS,
          ttftP50Ms: l.ttftMs?.p50 ?? null,
          tpotP50Ms: l.tpotMs?.p50 ?? null,
          goodputRequestsPerS: l.goodputRequestsPerS,
          meetsSlo: l.meetsSlo,
        })),
      });
    }
  }
  return out;
}

export interface FairRow {
  /** 'same concurrency' rows compare like with like; 'cloud at load vs edge at 1' is the usual (unfair) reading, labelled */
  basis: 'same concurrency' | 'cloud at its load vs edge at one user';
  concurrency: number;
  shape: string;
  edge: { series: string; point: LadderPoint };
  cloud: { series: string; point: LadderPoint };
}

/** Edge vs cloud rows for every shape both sides ran: at each shared concurrency, then cloud levels vs edge c=1. */
export function edgeVsCloud(series: readonly LadderSeries[]): FairRow[] {
  const rows: FairRow[] = [];
  for (const e of series.filter((s) => s.side === 'edge')) {
    for (const c of series.filter((s) => s.side === 'cloud' && s.shape === e.shape)) {
      const edgeAt = (n: number) => e.points.find((p) => p.concurrency === n);
      for (const cp of c.points.filter((p) => p.concurrency !== null)) {
        const pair = (basis: (typeof rows)[number]['basis'], ep: typeof cp | undefined) => {
          if (ep)
            rows.push({
              basis,
              concurrency: cp.concurrency!,
              shape: e.shape,
              edge: { series: e.label, point: ep },
              cloud: { series: c.label, point: cp },
            });
        };
        pair('same concurrency', edgeAt(cp.concurrency!));
        if (cp.concurrency! > 1) pair('cloud at its load vs edge at one user', edgeAt(1));
      }
    }
  }
  return rows;
}

const f = (x: number | null) => (x === null ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

export function formatEdgeVsCloud(rows: readonly FairRow[]): string {
  if (rows.length === 0) return '';
  const lines = rows.map(
    (r) =>
      `${r.shape} c=${r.concurrency} [${r.basis}]: edge ${r.edge.point.label} ${f(r.edge.point.perUserTokensPerS)} tok/s/user, ttft ${f(r.edge.point.ttftP50Ms)} ms | cloud ${r.cloud.point.label} ${f(r.cloud.point.perUserTokensPerS)} tok/s/user, ttft ${f(r.cloud.point.ttftP50Ms)} ms (${r.cloud.series})`,
  );
  return ['edge vs cloud under load (per-user decode speed and median TTFT; cloud TTFT includes the network):', ...lines].join('\n');
}
