/**
 * The cloud side measured by the user's own runs: endpoint cells (`run --endpoint` / `--cloud`,
 * boundary http-client) of the same model size class. Beside the published group they are the
 * cloud as this device reaches it — its network, its time of day — and their measured round trip
 * replaces the published range as the network part (unless --network-rtt-ms was given).
 */
import { onDevice, paramsB, sizeClass, type LocalCell, type SizeClass } from '../references/local.ts';
import { median } from '../stats/index.ts';
import type { LocalPick } from './compare.ts';

export interface MeasuredCloud {
  /** as recorded, credentials never are */
  endpoint: string | null;
  model: string;
  ttft: LocalPick | null;
  decode: LocalPick | null;
  /** median of the cells' measured TCP connect times */
  rttMs: number | null;
  /** the prompt length the server counted for the TTFT cell (its chat template included), when recorded */
  promptTokens: number | null;
}

/** Finished endpoint cells, grouped by (endpoint, model): one measured cloud per group of the size class. */
export function measuredClouds(
  cells: readonly LocalCell[],
  size: SizeClass,
  pick: { ttft: (c: readonly LocalCell[]) => LocalPick | null; decode: (c: readonly LocalCell[]) => LocalPick | null },
): MeasuredCloud[] {
  const remote = cells.filter((c) => c.remote && c.status === 'ok' && sizeClass(paramsB(c)) === size);
  const groups = new Map<string, LocalCell[]>();
  for (const c of remote) {
    const k = `${c.remote?.endpoint ?? '?'}|${c.model}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0] as LocalCell;
    const ttft = pick.ttft(g);
    const rtts = g.map((c) => c.remote?.rttMs).filter((x): x is number => typeof x === 'number');
    return {
      endpoint: first.remote?.endpoint ?? null,
      model: first.model,
      promptTokens: ttft?.cell.remote?.promptTokens ?? null,
      ttft,
      decode: pick.decode(g),
      rttMs: rtts.length ? median(rtts) : null,
    };
  });
}

/** Endpoint cells with no on-device cell to set them against (what the answer says instead of rows). */
export function endpointsOnly(cells: readonly LocalCell[]): LocalCell[] {
  return onDevice(cells).length === 0 ? cells.filter((c) => c.remote) : [];
}
