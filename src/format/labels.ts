/**
 * How a cell is named in every output. One set of parts (model, dtype, runner, EP, threads,
 * shape); each output picks the form that fits its space.
 */

export interface LabelParts {
  model: string;
  dtype: string;
  runner: string;
  ep: string;
  threads?: number | null;
  shape: { name: string };
}

/** "t4", or "tauto" when the runner chose. */
export function threadsLabel(threads: number | null | undefined): string {
  return `t${threads ?? 'auto'}`;
}

/** Terminal tables (analyze, compare, assert): "llama-3.2-1b q4 ort-node cpu t4 pp512". */
export function cellLabel(k: LabelParts): string {
  return [k.model, k.dtype, k.runner, k.ep, threadsLabel(k.threads), k.shape.name].join(' ');
}

/** Reports, where threads have their own column: "llama-3.2-1b q4 pp512 ort-node/cpu". */
export function reportCellLabel(c: LabelParts): string {
  return `${c.model} ${c.dtype} ${c.shape.name} ${c.runner}/${c.ep}`;
}

/** Charts and energy tables, where runner and EP are shown apart: "llama-3.2-1b q4 pp512". */
export function modelShapeLabel(c: Pick<LabelParts, 'model' | 'dtype' | 'shape'>): string {
  return `${c.model} ${c.dtype} ${c.shape.name}`;
}

/** Run progress lines (the dtype is in the suite header): "llama-3.2-1b ort-node/cpu t4 pp512". */
export function progressLabel(k: LabelParts): string {
  return `${k.model} ${k.runner}/${k.ep} ${threadsLabel(k.threads)} ${k.shape.name}`;
}

/** Claim evidence (shape given by name): "run#3 llama-3.2-1b q4 ort-node/cpu pp512". */
export function evidenceLabel(e: { cellId: string; model: string; dtype: string; runner: string; ep: string; shape: string }): string {
  return `${e.cellId} ${e.model} ${e.dtype} ${e.runner}/${e.ep} ${e.shape}`;
}
