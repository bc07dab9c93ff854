/** The edge-vs-cloud rows as inlined in report.html's data block: figures by id, cells by id. */
import type { Spread } from '../edge-cloud/cloud-side.ts';
import type { EdgeCloudRow, LocalPick } from '../edge-cloud/compare.ts';

const spread = (s: Spread | null) => (s ? { n: s.n, median: s.median, lo: s.lo, hi: s.hi, figures: s.figures.map((f) => f.id) } : null);
const pick = (p: LocalPick | null) =>
  p ? { cell: p.cell.id, shape: p.cell.shape.name, median: p.metric.median, ci95: p.metric.ci95, unit: p.metric.unit } : null;

export function edgeCloudData(rows: readonly EdgeCloudRow[]): unknown[] {
  return rows.map((r) => {
    const { network, ...assumptions } = r.cost.assumptions;
    return {
      runId: r.runId,
      deviceClass: r.deviceClass,
      size: r.size,
      model: r.model,
      dtype: r.dtype,
      weights: r.weights,
      ttft: { local: pick(r.ttft.local), cloud: spread(r.ttft.cloud), mismatches: r.ttft.mismatches },
      decode: { local: pick(r.decode.local), cloud: spread(r.decode.cloud), mismatches: r.decode.mismatches },
      measured: r.measured.map((m) => ({
        endpoint: m.endpoint,
        model: m.model,
        ttft: pick(m.ttft),
        decode: pick(m.decode),
        rttMs: m.rttMs,
      })),
      energy: r.energy,
      cost: {
        assumptions: { ...assumptions, network: network ? { lo: network.lo, hi: network.hi, source: network.source } : null },
        edgeOutput: r.cost.edgeOutput,
        edgeInput: r.cost.edgeInput,
        apiOutput: spread(r.cost.cloud.output),
        apiInput: spread(r.cost.cloud.input),
        breakEven: r.cost.breakEven,
      },
    };
  });
}
