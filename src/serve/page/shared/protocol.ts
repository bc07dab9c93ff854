/**
 * What `edgebench serve` tells the page (plain types, no runtime code: the page bundle and the
 * server both import them). Every URL is relative to the session base `/s/<token>/`.
 */
import type { RepetitionPolicy } from '../../../config/policy.ts';
import type { Shape } from '../../../results/schema.ts';

export interface PageModelFile {
  /** the name the graph refers to (external data) or the file name (.onnx) */
  name: string;
  url: string;
  bytes: number;
}

export interface PageConfig {
  edgebenchVersion: string;
  ortWebVersion: string;
  model: {
    id: string;
    dtype: string;
    /** .onnx + external data */
    bytes: number;
    params: number | null;
    synthetic: boolean;
    onnx: PageModelFile;
    externalData: PageModelFile[];
    numLayers: number;
    numKvHeads: number;
    headDim: number;
    vocabSize: number;
  };
  shapes: Shape[];
  repetitions: RepetitionPolicy;
  seed: number;
  /** `serve --threads` (null = onnxruntime-web's default); the URL's threads= overrides it */
  threads: number | null;
  /** onnxruntime-web builds per EP: the wasm-only build is smaller and starts faster */
  runtime: Record<'wasm' | 'webgpu', string>;
  /** the server marks a device interrupted after this long without a word from it */
  deviceTimeoutS: number;
}

export interface RegisterResponse {
  deviceId: string;
  /** the device's results folder, as the terminal shows it */
  runDir: string;
  cells: { index: number; shape: Shape }[];
}

/** One row of the page's result table: medians from the server's own analysis of the posted cell. */
export interface CellRow {
  index: number;
  shape: string;
  status: 'ok' | 'errored' | 'unsupported';
  ep: string;
  measured: number;
  ttftMs: number | null;
  tpotMs: number | null;
  decodeTokensPerS: number | null;
  prefillTokensPerS: number | null;
  e2eMs: number | null;
  warnings: string[];
  error: string | null;
}

export interface ApiError {
  error: { code: string; message: string; hint?: string };
}

export const API = {
  config: 'api/config',
  devices: 'api/devices',
  cell: (id: string) => `api/devices/${id}/cells`,
  progress: (id: string) => `api/devices/${id}/progress`,
  finish: (id: string) => `api/devices/${id}/finish`,
  leave: (id: string) => `api/devices/${id}/leave`,
} as const;
