/**
 * The concurrency ladder of one matrix cell on its loaded model: the network split first (remote
 * runners), then each level of the plan in order, the runner's own facts per level, and one
 * durable LoadFile. A level whose every request failed ends the ladder (higher load will not help).
 */
import type { CellKey, CellResult } from '../results/schema.ts';
import type { LoadedModel } from '../runners/types.ts';
import type { CellWorkload } from '../measure/measure-cell.ts';
import { startCellNetwork } from '../cloud/cell-network.ts';
import { countConnections } from '../cloud/connection-counter.ts';
import { LOAD_SCHEMA_VERSION, type LoadFile, type LoadLevel } from './ladder-schema.ts';
import { driveLevel } from './drive-level.ts';
import { levelsOf, requestsFor, type LoadPlan, type LevelSpec } from './plan.ts';

export interface LadderInput {
  model: LoadedModel;
  cellIndex: number;
  key: CellKey;
  boundary: CellResult['boundary'];
  workload: CellWorkload;
  plan: LoadPlan;
  shouldStop(): boolean;
  onLevel?(spec: LevelSpec, done: number, total: number): void;
}

export const ONE_AT_A_TIME = 'one request at a time: parallel requests queue in the harness and the wait is inside their TTFT';

export async function runLadder(inp: LadderInput): Promise<LoadFile> {
  const net = await startCellNetwork(inp.model);
  const specs = levelsOf(inp.plan);
  const levels: LoadLevel[] = [];
  inp.model.takeCellExtra?.(); // facts of the sequential cell belong to it, not to level 1
  for (const [i, spec] of specs.entries()) {
    if (inp.shouldStop()) break;
    inp.onLevel?.(spec, i, specs.length);
    const counter = inp.model.remote ? countConnections(inp.model.remote.modelsUrl) : null;
    const out = await driveLevel({
      model: inp.model,
      workload: inp.workload,
      spec,
      count: requestsFor(inp.plan, spec),
      maxTimeS: inp.plan.levelMaxTimeS,
      seed: inp.workload.seed + 104729 * (i + 1),
      shouldStop: inp.shouldStop,
    });
    levels.push({
      mode: spec.mode,
      concurrency: spec.mode === 'concurrency' ? spec.concurrency : null,
      ratePerS: spec.mode === 'rate' ? spec.ratePerS : null,
      startedAt: out.startedAt,
      wallMs: out.wallMs,
      truncated: out.truncated,
      requests: out.requests,
      runner: inp.model.takeCellExtra?.() ?? null,
      connections: counter?.stop() ?? null,
    });
    if (out.requests.length > 0 && out.requests.every((r) => r.status === 'errored')) break;
  }
  return {
    schemaVersion: LOAD_SCHEMA_VERSION,
    kind: 'load-ladder',
    cellIndex: inp.cellIndex,
    key: inp.key,
    boundary: inp.boundary,
    resolved: inp.model.resolved,
    parallelism: inp.model.parallel?.how ?? ONE_AT_A_TIME,
    slo: inp.plan.slo,
    seed: inp.workload.seed,
    levels,
    network: net ? { ...net.network } : null,
  };
}
