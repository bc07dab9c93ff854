/**
 * A/B interleaving: measure a baseline arm and a head arm in the same process, alternating
 * request by request in ABBA order (A B B A A B B A …), so slow drifts of the machine (other
 * tenants, thermal state, turbo budget) hit both arms alike instead of showing up as a change.
 *
 * The arms are two suites whose matrices pair cell by cell: usually the same suite with another
 * model folder, or with other runner settings. For each pair both models are loaded at once
 * (memory: both arms), each gets its cold request, warmups alternate, then measured requests
 * alternate until each arm has ≥ minCount requests and ≥ minTimeS of its own timed windows
 * (capped by maxCount per arm, or maxTimeS of timed windows in either arm). A CI target
 * (targetCiPct) is not applied here: both arms get the same count. Both arms' cells record the
 * same machine conditions, measured over the pair. Each arm's cells are written to its own
 * results folder, so `edgebench compare <baseline> <head>` works on them unchanged.
 */
import type { CellKey, CellResult, RequestTrace } from '../results/schema.ts';
import type { LoadedModel, ResolvedModel } from '../runners/types.ts';
import type { SuiteFile } from '../config/suite.ts';
import { cellId, expandMatrix, loadGroupId } from '../config/matrix.ts';
import { loadRunner, runnerEntry } from '../runners/registry.ts';
import { EdgebenchError, errorInfo } from '../errors.ts';
import type { RepetitionPolicy } from '../config/policy.ts';
import { baseCell, resolveFor, type RunDeps, type RunEvent } from './run-suite.ts';
import { kvTokensOf, timedRequest, type CellWorkload } from './measure-cell.ts';
import { startPeakRss } from './peak-rss.ts';
import { nowMs } from '../clock.ts';
import { startMachineLoad } from '../probes/machine-load.ts';

export const AB_INTERLEAVE = 'request-abba';
export type Arm = 'baseline' | 'head';
const ARMS: readonly Arm[] = ['baseline', 'head'];

export interface AbPair {
  baseline: CellKey;
  head: CellKey;
}

/** Arm of the i-th request of an interleaved sequence: ABBA ABBA … (0 = baseline, 1 = head). */
export function abbaArm(i: number): 0 | 1 {
  const first = Math.floor(i / 2) % 2;
  return (i % 2 === 0 ? first : 1 - first) as 0 | 1;
}

/** Pair the two arms' matrices cell by cell; they must have the same size and the same shapes. */
export function pairAbCells(baseline: SuiteFile, head: SuiteFile): AbPair[] {
  const b = expandMatrix(baseline);
  const h = expandMatrix(head);
  if (b.length !== h.length) {
    throw new EdgebenchError(
      'USAGE',
      `--ab: the baseline arm has ${b.length} cell(s), the head arm ${h.length}`,
      'both arms must expand to matrices of the same size (vary only the model or the runner settings)',
    );
  }
  return h.map((head, i) => {
    const baseline = b[i]!;
    if (baseline.shape.name !== head.shape.name) {
      throw new EdgebenchError(
        'USAGE',
        `--ab: cell ${i} is ${baseline.shape.name} in the baseline arm but ${head.shape.name} in the head arm`,
        'give both arms the same shapes in the same order',
      );
    }
    return { baseline, head };
  });
}

function emptyCell(index: number, key: CellKey, boundary: CellResult['boundary'], arm: Arm): CellResult {
  return { ...baseCell(index, key, boundary), extra: { abArm: arm, abInterleave: AB_INTERLEAVE } };
}

/** Interleaved measurement of one pair; returns each arm's traces, or null when stopped. */
export async function measurePair(
  models: readonly [LoadedModel, LoadedModel],
  workloads: readonly [CellWorkload, CellWorkload],
  p: RepetitionPolicy,
  shouldStop: () => boolean,
): Promise<[RequestTrace[], RequestTrace[]] | null> {
  const traces: [RequestTrace[], RequestTrace[]] = [[], []];
  const busyMs = [0, 0];
  const request = async (arm: 0 | 1, phase: RequestTrace['phase'], offsetMs: number) => {
    const trace = await timedRequest(models[arm], workloads[arm], traces[arm].length, phase, offsetMs);
    traces[arm].push(trace);
    if (phase === 'measured') busyMs[arm]! += trace.tokenTimesMs.at(-1) ?? 0;
  };
  await request(0, 'cold', 0);
  await request(1, 'cold', 0);
  for (let i = 0; i < 2 * p.warmup && !shouldStop(); i++) await request(abbaArm(i), 'warmup', 0);
  const t0 = nowMs();
  for (let slot = 0; ; slot++) {
    if (slot % 2 === 0) {
      // decide only between pairs, so both arms always have the same number of requests
      const perArm = slot / 2;
      const metMin = perArm >= p.minCount && Math.min(...busyMs) >= p.minTimeS * 1000;
      const hitCap = perArm >= p.maxCount || Math.max(...busyMs) >= p.maxTimeS * 1000;
      if (metMin || hitCap || shouldStop()) break;
    }
    await request(abbaArm(slot), 'measured', nowMs() - t0);
    if (p.cooldownS > 0) await new Promise<void>((r) => setTimeout(r, p.cooldownS * 1000));
  }
  return shouldStop() ? null : traces;
}

export interface AbRunOptions {
  arms: Record<Arm, SuiteFile>;
  pairs: AbPair[];
  appendCell(arm: Arm, cell: CellResult): Promise<void>;
  onEvent(e: RunEvent): void;
  shouldStop(): boolean;
}

interface ArmState {
  model: ResolvedModel;
  loaded: LoadedModel;
  loadMs: number;
  rssAfterLoad: number;
  promptIds?: number[];
}

export async function runAbSuite(opts: AbRunOptions, deps: RunDeps): Promise<{ written: number; interrupted: boolean }> {
  const groups = new Map<string, { index: number; pair: AbPair }[]>();
  opts.pairs.forEach((pair, index) => {
    const g = `${loadGroupId(pair.baseline)}#${loadGroupId(pair.head)}`;
    groups.set(g, [...(groups.get(g) ?? []), { index, pair }]);
  });
  const total = opts.pairs.length * 2;
  let written = 0;
  const log = (message: string) => opts.onEvent({ type: 'log', message });
  const bandwidth = new Map<string, number | null>();
  const finish = async (arm: Arm, cell: CellResult) => {
    cell.endedAt = new Date().toISOString();
    await opts.appendCell(arm, cell);
    written++;
    opts.onEvent({ type: 'cell-end', position: written, total, cell });
  };
  const failGroup = async (
    cells: { index: number; pair: AbPair }[],
    failed: Arm,
    error: NonNullable<CellResult['error']>,
    status: CellResult['status'],
  ) => {
    for (const { index, pair } of cells) {
      for (const arm of ARMS) {
        const cell = emptyCell(index, pair[arm], runnerEntry(pair[arm].runner).boundary, arm);
        cell.status = arm === failed ? status : 'errored';
        cell.error =
          arm === failed
            ? error
            : {
                code: error.code,
                message: `not measured: the ${failed} arm could not run (${error.message})`,
                hint: error.hint ?? 'fix the other arm',
              };
        await finish(arm, cell);
      }
    }
  };

  for (const cells of groups.values()) {
    if (opts.shouldStop()) return { written, interrupted: true };
    const first = cells[0]!.pair;
    const states: Partial<Record<Arm, ArmState>> = {};
    let failure: { arm: Arm; error: NonNullable<CellResult['error']>; status: CellResult['status'] } | null = null;
    for (const arm of ARMS) {
      const key = first[arm];
      const runner = await loadRunner(key.runner);
      const seeded = opts.arms[arm].prompt.kind !== 'text';
      const loadOpts = {
        ep: key.ep,
        threads: key.threads,
        settings: opts.arms[arm].runnerSettings[key.runner] ?? {},
        ...(seeded ? { kvTokens: kvTokensOf(cells.map((c) => c.pair[arm].shape)) } : {}),
      };
      const availability = await runner.probe(loadOpts);
      if (!availability.ok) {
        failure = {
          arm,
          error: { code: 'DEVICE_UNAVAILABLE', message: availability.reason, hint: availability.hint },
          status: 'unsupported',
        };
        break;
      }
      try {
        const model = await resolveFor(runner, key, opts.arms[arm].style, deps, log);
        deps.checkMemory(model);
        const t0 = nowMs();
        const loaded = await runner.load(model.source, loadOpts);
        states[arm] = { model, loaded, loadMs: nowMs() - t0, rssAfterLoad: process.memoryUsage.rss() };
        const prompt = opts.arms[arm].prompt;
        if (prompt.kind === 'text') states[arm].promptIds = await runner.tokenize(model, prompt.text);
      } catch (e) {
        failure = { arm, error: errorInfo(e), status: 'errored' };
        break;
      }
    }
    try {
      if (failure) {
        await failGroup(cells, failure.arm, failure.error, failure.status);
        continue;
      }
      const a = states.baseline!;
      const b = states.head!;
      for (const { index, pair } of cells) {
        if (opts.shouldStop()) return { written, interrupted: true };
        opts.onEvent({ type: 'cell-start', position: written, total, key: pair.head });
        const bw = await Promise.all(
          ARMS.map(async (arm) => {
            const k = String(pair[arm].threads);
            if (!bandwidth.has(k)) bandwidth.set(k, await deps.measureBandwidth(pair[arm].threads));
            return bandwidth.get(k) ?? null;
          }),
        );
        const out = ARMS.map((arm, i) => {
          const s = i === 0 ? a : b;
          const cell = emptyCell(index, pair[arm], runnerEntry(pair[arm].runner).boundary, arm);
          cell.resolved = s.loaded.resolved;
          cell.model = s.model.info;
          cell.loadMs = s.loadMs;
          cell.rssAfterLoadBytes = s.rssAfterLoad;
          cell.memoryBandwidthBytesPerS = bw[i] ?? null;
          return cell;
        });
        const workload = (arm: Arm, s: ArmState): CellWorkload => ({
          shape: pair[arm].shape,
          vocabSize: s.model.vocabSize,
          seed: opts.arms[arm].seed,
          ...(s.promptIds ? { promptIds: s.promptIds } : {}),
        });
        const rss = startPeakRss();
        const machine = startMachineLoad();
        try {
          const traces = await measurePair(
            [a.loaded, b.loaded],
            [workload('baseline', a), workload('head', b)],
            opts.arms.head.repetitions,
            opts.shouldStop,
          );
          if (!traces) {
            machine.stop();
            return { written, interrupted: true }; // an unfinished pair is not written
          }
          out[0]!.requests = traces[0];
          out[1]!.requests = traces[1];
        } catch (e) {
          for (const c of out) {
            c.status = 'errored';
            c.error = errorInfo(e);
            c.requests = [];
          }
        }
        const peak = rss.stop();
        const load = machine.stop();
        for (const [i, c] of out.entries()) {
          c.peakRssBytes = peak;
          c.machine = load;
          c.extra = { ...c.extra, peakRssMethod: rss.method, peakRssScope: 'process (both arms loaded)' };
          await finish(ARMS[i]!, c);
        }
      }
    } finally {
      for (const s of Object.values(states)) await s.loaded[Symbol.asyncDispose]();
    }
  }
  return { written, interrupted: false };
}

/** For ab.json: which cell of each arm was measured against which. */
export function describePairs(pairs: readonly AbPair[]): { baseline: string; head: string }[] {
  return pairs.map((p) => ({ baseline: cellId(p.baseline), head: cellId(p.head) }));
}
