/** Messages between the ort-web runner (main thread) and its wasm worker (one worker per loaded model). */

export interface LoadRequest {
  type: 'load';
  rid: number;
  file: string;
  /** external data files: the name the graph refers to, and the absolute path */
  externalData: { path: string; data: string }[];
  /** null = onnxruntime-web's default */
  threads: number | null;
  numKvHeads: number;
  headDim: number;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Int32[1] token hand-shake: after posting a token the worker waits until the main thread has
   * called onToken (and so taken t_i) before computing the next one, so token times never bunch
   * up when the main thread is scheduled late.
   */
  ack: SharedArrayBuffer;
}

export type ToWorker =
  | LoadRequest
  | { type: 'prepare'; rid: number; contextIds: number[] }
  | { type: 'generate'; rid: number; seq: number; inputIds: number[]; maxNewTokens: number }
  /** time `steps` single-token decode steps after a short prefill (median ms) */
  | { type: 'probe-step'; rid: number; steps: number }
  /** quality pass (untimed): feed `ids` to a prepared sequence, answer with the next-token logits after each */
  | { type: 'score'; rid: number; seq: number; ids: number[] }
  /** bench:overhead: decode `steps` tokens with a hand-written loop in the worker (bare-decode.ts), no token messages */
  | { type: 'bare-decode'; rid: number; inputIds: number[]; steps: number };

export interface LoadedInfo {
  numThreads: number;
  simd: boolean;
  version: string;
  kvType: 'float32' | 'float16';
  loadMs: number;
}

export type FromWorker =
  | { type: 'loaded'; rid: number; info: LoadedInfo }
  | { type: 'prepared'; rid: number; seq: number }
  | { type: 'token'; rid: number; id: number }
  | { type: 'done'; rid: number }
  | { type: 'probed'; rid: number; stepMs: number[] }
  | { type: 'scores'; rid: number; rows: Float32Array[] }
  /** the bare loop's greedy tokens and their times (ms since it started, worker clock) */
  | { type: 'bare-times'; rid: number; ids: number[]; timesMs: number[] }
  | { type: 'error'; rid: number; message: string };
