/** Turns `edgebench run` flags into a suite: the suite file first, then flags override it. */
import { EdgebenchError } from '../errors.ts';
import { loadSuite, SuiteFile } from './suite.ts';
import { parseShapes } from './shapes.ts';
import { expandMatrix } from './matrix.ts';
import { BOUNDS, intFlag, numberFlag, threadsFlag } from './bounds.ts';
import { runnerIdFor } from '../runners/registry.ts';

export interface RunFlags {
  suite: string;
  model?: string;
  runner?: string;
  ep?: string;
  /** llama-cpp device; an alias of --ep */
  gpu?: string;
  threads?: string;
  shape?: string;
  dtype?: string;
  style?: string;
  reps?: string;
  minTime?: string;
  /** --target-ci <pct>: adaptive stopping target (0 = fixed counts) */
  targetCi?: string;
  warmup?: string;
  seed?: string;
  prompt?: string;
  endpoint?: string;
  apiModel?: string;
}

/** Where results go and how the run talks (shared by `run` and `run --ab`). */
export interface RunOutputFlags {
  out?: string;
  resume?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  bandwidth: boolean;
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function parseThreads(v: string): SuiteFile['threads'] {
  const out = list(v).map((t) => threadsFlag(t) ?? 'auto');
  if (out.length === 0) throw new EdgebenchError('USAGE', `--threads ${v}: no thread counts given`, 'e.g. --threads 1,2 or --threads auto');
  return out;
}

export function suiteFromFlags(f: RunFlags): SuiteFile {
  const base = loadSuite(f.suite);
  const s: SuiteFile = structuredClone(base);
  if (f.model) s.models = list(f.model);
  if (f.runner) s.runners = list(f.runner);
  // .gguf files are read by one runner: naming it would only repeat the file's extension
  else if (f.model && s.models.every((m) => m.toLowerCase().endsWith('.gguf'))) s.runners = [runnerIdFor('gguf')];
  if (f.ep) s.eps = list(f.ep);
  if (f.gpu) s.eps = list(f.gpu);
  if (f.threads) s.threads = parseThreads(f.threads);
  if (f.shape) s.shapes = parseShapes(f.shape).map((x) => x.name.replace(' @ ', '@'));
  if (f.dtype) s.dtype = f.dtype;
  if (f.style) {
    if (f.style !== 'optimum' && f.style !== 'genai')
      throw new EdgebenchError(
        'USAGE',
        `--style ${f.style}: expected optimum or genai`,
        'optimum = transformers.js exports, genai = onnxruntime-genai exports',
      );
    s.style = f.style;
  }
  if (f.reps) {
    s.repetitions.minCount = intFlag('reps', f.reps, 1, BOUNDS.requests);
    s.repetitions.maxCount = Math.max(s.repetitions.maxCount, s.repetitions.minCount);
  }
  if (f.minTime) {
    const t = numberFlag('min-time', f.minTime, 0, BOUNDS.seconds);
    s.repetitions.minTimeS = t;
    s.repetitions.maxTimeS = Math.max(s.repetitions.maxTimeS, t);
  }
  if (f.targetCi !== undefined) {
    const t = Number(f.targetCi);
    if (!Number.isFinite(t) || t < 0 || t > 100)
      throw new EdgebenchError(
        'USAGE',
        `--target-ci ${f.targetCi}: expected a percentage in [0, 100] (0 = fixed counts)`,
        'e.g. --target-ci 2 (stop when the 95 % CI is within ±2 %)',
      );
    if (t === 0) delete s.repetitions.targetCiPct;
    else s.repetitions.targetCiPct = t;
  }
  if (f.warmup) s.repetitions.warmup = intFlag('warmup', f.warmup, 0, BOUNDS.requests);
  if (f.seed) s.seed = intFlag('seed', f.seed, 0, BOUNDS.seed);
  if (f.prompt) s.prompt = { kind: 'text', text: f.prompt };
  if (f.endpoint || f.apiModel) {
    // the endpoint runner's settings; the runner validates them (a missing endpoint is reported per cell)
    const endpointRunner = runnerIdFor('endpoint');
    s.runnerSettings[endpointRunner] = {
      ...s.runnerSettings[endpointRunner],
      ...(f.endpoint ? { endpoint: f.endpoint } : {}),
      ...(f.apiModel ? { model: f.apiModel } : {}),
    };
    if (!f.runner) s.runners = [endpointRunner];
  }
  const checked = SuiteFile.safeParse(s);
  if (!checked.success) {
    const i = checked.error.issues[0];
    throw new EdgebenchError(
      'USAGE',
      `flags give an invalid suite: ${i ? `${i.path.join('.')}: ${i.message}` : 'unknown problem'}`,
      'see edgebench run --help',
    );
  }
  expandMatrix(checked.data); // duplicate cells and the matrix bound are refused before any work
  return checked.data;
}
