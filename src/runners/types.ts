/**
 * The runner contract (DESIGN §4). Runners only produce tokens; the harness (src/measure) owns
 * every clock reading. A runner calls `onToken` the moment a token id is available.
 */
import type { z } from 'zod';
import type { ModelInfo, ResolvedRunner } from '../results/schema.ts';
import type { GraphStyle, ModelArch } from '../models/arch.ts';
import type { BuildProgress } from '../models/build/build-folder.ts';

export type Availability = { ok: true; detail?: string } | { ok: false; reason: string; hint: string };

/** What the harness hands a runner: a resolved local model (folder + chosen ONNX file) or a remote id. */
export interface ModelSource {
  id: string;
  dir: string | null;
  /** path of the model file inside dir (ONNX or GGUF) */
  file: string | null;
  dtype: string;
  arch: ModelArch | null;
}

/** A model spec (preset id, folder, file or remote name) resolved by its runner: what to load, and what results record. */
export interface ResolvedModel {
  source: ModelSource;
  info: ModelInfo;
  vocabSize: number;
}

/** What `resolveModel` may use besides the spec: the suite's graph style, a log line, build progress. */
export interface ResolveContext {
  style: GraphStyle;
  log(msg: string): void;
  onBuildProgress?(p: BuildProgress): void;
}

/** A runner's settings schema (suite `runnerSettings.<id>`): a strict zod object, checked when the suite is read. */
export type RunnerSettingsSchema = z.ZodObject<z.ZodRawShape>;

export interface LoadOptions {
  /** execution provider / device asked for: cpu, webgpu, cuda, … */
  ep: string;
  threads: number | null;
  /** runner-specific settings from the suite (already checked against `RunnerFactory.settings` when the suite was read) */
  settings: Record<string, string | number | boolean>;
  /** the suite's text prompt, for runners that cannot take token ids (remote endpoints); absent for seeded-token suites */
  promptText?: string;
  /** KV-cache tokens the largest request of this load needs (depth + prompt + generated), when known: runners that size a cache use it */
  kvTokens?: number;
  /** the most requests the harness will run at once (the load ladder's top level); runners that batch prepare that many sequences */
  parallel?: number;
}

/** Optional hooks a runner may use during the timed `generate` (the harness still reads every clock). */
export interface GenerateControl {
  /** A retried request starts over: the harness takes t_submit again now and forgets tokens so far (waits are never timed). */
  restartClock(): void;
  /** The prompt length the model actually saw, when it differs from inputIds.length (remote endpoints re-encode text). */
  setPromptTokens(n: number): void;
  /** Optional: prompt tokens the server took from its prompt cache for this request (null: not reported). */
  setCachedTokens?(n: number | null): void;
  /** Optional, for servers that return logprobs: the next-token logits row, shown before that token's onToken (read it synchronously). */
  onLogits?(row: Float32Array): void;
}

export interface PreparedSequence {
  /** Timed part: feed `inputIds` on top of the prepared context and greedily decode `maxNewTokens` (EOS ignored). */
  generate(inputIds: number[], maxNewTokens: number, onToken: (id: number) => void, control?: GenerateControl): Promise<void>;
}

export interface LoadedModel extends AsyncDisposable {
  readonly resolved: ResolvedRunner;
  /** Untimed: a fresh sequence whose KV cache already holds `contextIds` (the `@ d<D>` depth). */
  prepare(contextIds: number[]): Promise<PreparedSequence>;
  /**
   * How many `generate` calls may run at once (the concurrency ladder): max null = no limit here
   * (a server decides), and `how` says it in words. Absent = one request at a time: the harness
   * queues parallel requests and their wait is inside their TTFT, as a user would see it.
   */
  readonly parallel?: { max: number | null; how: string };
  /** true when `generate` shows each next-token logits row through GenerateControl.onLogits (serve's logprobs) */
  readonly showsLogits?: boolean;
  /** Remote runners: where the harness measures the network split before a cell (headers carry the key: never stored). */
  readonly remote?: { modelsUrl: string; shown: string; headers(): Record<string, string> };
  /** Optional: what the loaded model turned out to be when only loading can tell (an endpoint that declares synthetic weights) */
  readonly weights?: 'synthetic' | 'real';
  /** Optional: runner facts about the cell just measured (retries, waits, chunking…), stored in cell.extra.runner; resets them. */
  takeCellExtra?(): Record<string, unknown>;
  /** Optional, untimed: a fresh sequence that reports next-token scores for up to `maxTokens` fed tokens (the quality pass, src/quality). */
  scorer?(maxTokens: number): Promise<TokenScorer>;
}

/** The next-token distribution after one position: full logits, or (remote endpoints) only the top few log-probabilities. */
export type NextTokenScores =
  | { kind: 'logits'; logits: Float32Array }
  | { kind: 'top-logprobs'; top: ReadonlyArray<{ id: number; logprob: number }> }
  /** this position was not scored (remote endpoints score a sample of positions) */
  | { kind: 'none' };

/** Teacher forcing: every runner is fed the same token stream and says what it would predict next. */
export interface TokenScorer {
  /** Feeds `ids` after those fed before; `onRow` gets, in order, the distribution of the token after each. */
  feed(ids: readonly number[], onRow: (scores: NextTokenScores) => void): Promise<void>;
  /** Frees what the scorer holds beyond the loaded model (its own context, connections). */
  dispose?(): Promise<void>;
}

/** What the registry knows of a runner without importing it (ids, help text, settings schema). */
/**
 * The jobs other parts of edgebench hand to "whichever runner does X", so that nothing outside a
 * runner's folder names it: 'default' runs a local model when no runner is named, 'endpoint'
 * measures a URL (`--endpoint`, `--cloud`), 'gguf' reads .gguf files, 'browser' is the runner
 * whose browser twin the serve page is. Exactly one runner holds each role (test/runner-roles).
 */
export type RunnerRole = 'default' | 'endpoint' | 'gguf' | 'browser';

export interface RunnerInfo {
  readonly id: string;
  readonly boundary: 'engine' | 'runtime-api' | 'http-client';
  readonly description: string;
  readonly settings: RunnerSettingsSchema;
  readonly roles?: readonly RunnerRole[];
}

export interface RunnerFactory extends RunnerInfo {
  /** Untimed: a spec (preset id, folder, file, remote model name) → the model this runner loads; builds presets on first use. */
  resolveModel(spec: string, dtype: string, ctx: ResolveContext): Promise<ResolvedModel>;
  /** Untimed: a text prompt → the token ids this runner's model reads (text-prompt suites only). */
  tokenize(model: ResolvedModel, text: string): Promise<number[]>;
  /** Never throws. */
  probe(opts: LoadOptions): Promise<Availability>;
  load(model: ModelSource, opts: LoadOptions): Promise<LoadedModel>;
  /**
   * Optional: environment variables the process must have been started with for this runner to run
   * as fast as its engine can (read by a runtime before any user code: libuv's pool size), and why.
   * `edgebench run`, `run --ab` and `serve --openai` restart themselves once with them (src/cli/restart.ts).
   */
  startEnv?(opts: Pick<LoadOptions, 'ep' | 'threads' | 'settings'>): { env: Record<string, string>; why: string } | null;
}
