/** One runner under bench:overhead: its harness path and the bare loop a user would write, on one loaded model. */
import type { LoadedModel } from '../../src/runners/types.ts';

export interface OverheadSubject {
  /** what the harness measures (the runner's LoadedModel, driven by measureCell) */
  harness: LoadedModel;
  /** one bare greedy request of `tg` tokens after one prompt token; times (ms, any origin) at which each token existed */
  bare(tg: number): Promise<number[]>;
  vocabSize: number;
  /** the model's weights are synthetic (say so beside its figures) */
  synthetic: boolean;
  /** what the bare loop is, in words (printed with the figures) */
  bareIs: string;
  dispose(): Promise<void>;
}

export interface SubjectOptions {
  threads: number;
  log(m: string): void;
}
